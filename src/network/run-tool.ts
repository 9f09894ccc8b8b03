// Running the host's network tools (nft, iptables): one run, its input on stdin, its output
// collected. A failure carries the tool's own text, which names the line of a batch it refused.
import { execHost } from '../lib/host-exec.ts';
import { systemError } from '../api/types/errors.ts';
import { NftSession } from './nft-session.ts';

export interface ToolResult { code: number; stdout: string; stderr: string }

/** Runs `cmd args` with `input` on stdin; resolves whatever the exit code (ENOENT rejects).
 * Through the host helper (lib/host-exec.ts): a fork of berthd would block its event loop. */
export async function runTool(cmd: string, args: readonly string[], input = ''): Promise<ToolResult> {
  const r = await execHost(cmd, args, { input });
  return { code: r.code ?? 128 + (r.signal ? 15 : 0), stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** Runs the tool and answers its stdout; a non-zero exit is a system error with its stderr. */
export async function mustRun(cmd: string, args: readonly string[], input = ''): Promise<string> {
  const r = await runTool(cmd, args, input);
  if (r.code !== 0) throw systemError(`${cmd} ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
  return r.stdout;
}

const nft = new NftSession();

/** Applies an nft batch in one transaction, or none of it, on the daemon's long-lived nft
 *  (nft-session.ts: a spawn of nft costs more than the batch). */
export async function nftApply(batch: string[]): Promise<void> {
  await nft.apply(batch);
}

/** The objects of `nft -j list table`, or [] when the table does not exist. */
export async function nftListTable(family: string, table: string): Promise<Record<string, any>[]> {
  const r = await runTool('nft', ['-j', 'list', 'table', family, table]);
  if (r.code !== 0) {
    if (/No such file or directory/.test(r.stderr)) return [];
    throw systemError(`nft list table ${family} ${table}: ${r.stderr.trim()}`);
  }
  return (JSON.parse(r.stdout) as { nftables: Record<string, any>[] }).nftables;
}
