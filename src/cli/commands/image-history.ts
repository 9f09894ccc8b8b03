// berth history: docker's history table (CREATED BY ellipsized at 45, `<missing>` for layers
// that are not images), -H/--human with pflag's `--human=false`, and the Go time formats the
// image tables use.
import { Option, type Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { ImageHistoryItem } from '../../client/types.ts';
import { formatRows } from '../format/index.ts';
import { humanDuration, humanSize, truncateId } from '../output.ts';
import { rfc3339 } from '../format/go-time.ts';
import { ellipsis, usageError } from './context-common.ts';
import { LIST_FORMAT_HELP, PLATFORM_HELP, platformJson } from './image-common.ts';

const HISTORY_TABLE = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
const HISTORY_TABLE_RAW = 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
const HISTORY_HEADERS = { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' };
const BOOL_WORDS: Record<string, boolean> = { 1: true, t: true, T: true, true: true, TRUE: true, True: true, 0: false, f: false, F: false, false: false, FALSE: false, False: false };

interface HistoryFlags { format?: string; human?: boolean; trunc?: boolean; platform?: string; quiet?: boolean; [k: string]: unknown }

export function addHistoryCommand(parent: Command, getEnv: () => CliEnv): void {
  const cmd: Command = parent
    .command('history')
    .usage('[OPTIONS] IMAGE')
    .description('Show the history of an image')
    .argument('[args...]')
    .option('--format <string>', LIST_FORMAT_HELP)
    .option('-H, --human', 'Print sizes and dates in human readable format (default true)')
    .option('--no-trunc', "Don't truncate output")
    .option('--platform <string>', PLATFORM_HELP('Show history for the given platform'))
    .option('-q, --quiet', 'Only show image IDs');
  // pflag's `--human=false`: hidden spellings of the boolean with a value.
  for (const word of Object.keys(BOOL_WORDS)) cmd.addOption(new Option(`--human=${word}`).hideHelp());
  cmd.action(async (args: string[], flags: HistoryFlags) => {
    if (args.length !== 1) usageError(cmd, 'requires 1 argument');
    let human = true;
    for (const [k, v] of Object.entries(flags)) if (k.startsWith('human=') && v) human = BOOL_WORDS[k.slice(6)]!;
    await showHistory(getEnv(), args[0]!, { ...flags, human });
  });
}

async function showHistory(env: CliEnv, image: string, flags: HistoryFlags): Promise<void> {
  const items = await env.client().images.history(image, { ...(flags.platform && { platform: platformJson(flags.platform) }) });
  let format = flags.format || 'table';
  if (format === 'table') format = flags.quiet ? '{{.ID}}' : flags.human ? HISTORY_TABLE : HISTORY_TABLE_RAW;
  const trunc = flags.trunc !== false;
  env.out.write(formatRows(format, items.map((h) => new HistoryRow(h, trunc, flags.human !== false)), HISTORY_HEADERS));
}

/** image.historyContext */
export class HistoryRow {
  readonly #h: ImageHistoryItem;
  readonly #trunc: boolean;
  readonly #human: boolean;
  constructor(h: ImageHistoryItem, trunc: boolean, human: boolean) {
    [this.#h, this.#trunc, this.#human] = [h, trunc, human];
  }
  get ID(): string {
    const id = this.#h.Id || '<missing>';
    return this.#trunc ? truncateId(id) : id;
  }
  get CreatedAt(): string { return rfc3339(this.#h.Created); }
  get CreatedSince(): string {
    return this.#human ? `${humanDuration(Date.now() - this.#h.Created * 1000)} ago` : this.CreatedAt;
  }
  get CreatedBy(): string {
    const by = (this.#h.CreatedBy ?? '').replaceAll('\t', ' ');
    return this.#trunc ? ellipsis(by, 45) : by;
  }
  get Size(): string { return this.#human ? humanSize(this.#h.Size) : String(this.#h.Size); }
  get Comment(): string { return this.#h.Comment ?? ''; }
}
