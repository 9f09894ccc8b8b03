// Running the host's network tools (nft, iptables): one spawn, its input on stdin, its output
// collected. A failure carries the tool's own text, which names the line of a batch it refused.
import { spawn } from 'node:child_process';
import { systemError } from '../api/types/errors.ts';
import { NftSession } from './nft-session.ts';

export interface ToolResult { code: number; stdout: string; stderr: string }

/** Runs `cmd args` with `input` on stdin; resolves whatever the exit code (ENOENT rejects). */
export function runTool(cmd: string, args: readonly string[], input = ''): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + (signal ? 15 : 0), stdout, stderr }));
    child.stdin.on('error', () => undefined); // an early exit closes stdin: the exit code tells
    child.stdin.end(input);
  });
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
