// berth images / image ls: docker's classic image table (not the tree view), with docker's
// columns for --format.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { ImageSummary } from '../../client/types.ts';
import { collectFilter, filtersFromArgs } from '../filter-arg.ts';
import { formatRows } from '../format/index.ts';
import { humanDuration, humanSize, truncateId } from '../output.ts';
import { parseReference, familiarName } from '../../image/reference.ts';
import { usageError } from './context-common.ts';
import { LIST_FORMAT_HELP } from './image-common.ts';
import { goTimeString } from '../format/go-time.ts';

const IMAGE_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
const IMAGE_TABLE_DIGEST = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}';
const IMAGE_HEADERS = {
  ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT',
  Size: 'SIZE', Containers: 'CONTAINERS', VirtualSize: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE',
};

interface ListFlags { all?: boolean; digests?: boolean; filter?: string[]; format?: string; trunc?: boolean; quiet?: boolean }

export function addListCommand(parent: Command, name: string, aliases: string[], getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command(name)
    .aliases(aliases)
    .usage('[OPTIONS] [REPOSITORY[:TAG]]')
    .description('List images')
    .argument('[args...]')
    .option('-a, --all', 'Show all images (default hides intermediate images)')
    .option('--digests', 'Show digests')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collectFilter)
    .option('--format <string>', LIST_FORMAT_HELP)
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs')
    .action(async (args: string[], flags: ListFlags) => {
      if (args.length > 1) usageError(cmd, 'requires at most 1 argument');
      await listImages(getEnv(), args[0], flags);
    });
}

async function listImages(env: CliEnv, match: string | undefined, flags: ListFlags): Promise<void> {
  const filters = filtersFromArgs(flags.filter);
  if (match) (filters.reference ??= []).push(match);
  const images = await env.client().images.list({ all: flags.all === true, filters });
  let format = flags.format ?? '';
  if (!format) format = env.configFile.imagesFormat && !flags.quiet ? env.configFile.imagesFormat : 'table';
  if (format === 'table') format = flags.quiet ? '{{.ID}}' : flags.digests ? IMAGE_TABLE_DIGEST : IMAGE_TABLE;
  else if (format.startsWith('table') && flags.digests && !format.includes('{{.Digest}}')) format += '\t{{.Digest}}';
  const trunc = flags.trunc !== false;
  const rows = images.flatMap((img) => imageRows(img, trunc, flags.digests === true));
  env.text.write(formatRows(format, rows, IMAGE_HEADERS));
}

/** formatter.imageContext: one row per repository and tag (and digest with --digests). */
export class ImageRow {
  readonly #i: ImageSummary;
  readonly #trunc: boolean;
  readonly #repo: string;
  readonly #tag: string;
  readonly #digest: string;
  constructor(i: ImageSummary, trunc: boolean, repo: string, tag: string, digest: string) {
    [this.#i, this.#trunc, this.#repo, this.#tag, this.#digest] = [i, trunc, repo, tag, digest];
  }
  get ID(): string { return this.#trunc ? truncateId(this.#i.Id) : this.#i.Id; }
  get Repository(): string { return this.#repo; }
  get Tag(): string { return this.#tag; }
  get Digest(): string { return this.#digest; }
  get CreatedSince(): string { return `${humanDuration(Date.now() - this.#i.Created * 1000)} ago`; }
  get CreatedAt(): string { return goTimeString(this.#i.Created); }
  get Size(): string { return humanSize(this.#i.Size); }
  get VirtualSize(): string { return humanSize(this.#i.VirtualSize ?? this.#i.Size); }
  get Containers(): string { return this.#i.Containers === -1 ? 'N/A' : String(this.#i.Containers); }
  get SharedSize(): string { return this.#i.SharedSize === -1 ? 'N/A' : humanSize(this.#i.SharedSize, 4); }
  get UniqueSize(): string {
    return this.#i.Size === -1 || this.#i.SharedSize === -1 ? 'N/A' : humanSize(this.#i.Size - this.#i.SharedSize, 4);
  }
}

export function imageRows(img: ImageSummary, trunc: boolean, showDigests: boolean): ImageRow[] {
  const tags = img.RepoTags ?? [];
  const digests = img.RepoDigests ?? [];
  const dangling = (tags.length === 0 && digests.length === 0) ||
    (tags.length === 1 && tags[0] === '<none>:<none>' && digests.length === 1 && digests[0] === '<none>@<none>');
  if (dangling) return [new ImageRow(img, trunc, '<none>', '<none>', '<none>')];
  const repoTags = group(tags, (ref) => (ref.tag ? ref.tag : undefined));
  const repoDigests = group(digests, (ref) => ref.digest);
  const rows: ImageRow[] = [];
  for (const [repo, tagList] of repoTags) {
    const ds = showDigests ? (repoDigests.get(repo) ?? []) : [];
    repoDigests.delete(repo);
    for (const tag of tagList) {
      if (ds.length === 0) rows.push(new ImageRow(img, trunc, repo, tag, '<none>'));
      for (const d of ds) rows.push(new ImageRow(img, trunc, repo, tag, d));
    }
  }
  for (const [repo, ds] of repoDigests) {
    if (showDigests) for (const d of ds) rows.push(new ImageRow(img, trunc, repo, '<none>', d));
    else rows.push(new ImageRow(img, trunc, repo, '<none>', ''));
  }
  return rows;
}

function group(refs: string[], pick: (ref: ReturnType<typeof parseReference>) => string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const raw of refs) {
    let ref;
    try {
      ref = parseReference(raw);
    } catch {
      continue;
    }
    const value = pick(ref);
    if (value) out.set(familiarName(ref), [...(out.get(familiarName(ref)) ?? []), value]);
  }
  return out;
}
