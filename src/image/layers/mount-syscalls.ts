// mount(2) and umount2(2) for berthd. Node has neither, and running mount(8)/umount(8) costs a
// fork of berthd plus a process start-up (4–5 ms here) twice on the path of every `docker run`.
// So one long-lived helper does the two system calls for us: a few lines of Perl (perl-base is
// essential on Debian; its syscall() builtin reaches any system call by number), started on first
// use, fed one request per line and answering one line each, in order. No npm package offers
// these calls without a native build, which CI machines could not do.
//
// Where the helper cannot run (no perl, an architecture whose syscall numbers we do not list),
// the same calls go through mount(8)/umount(8) as before.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { run } from './exec.ts';

export const MS_RDONLY = 1;

/** x86_64 and arm64 numbers of mount and umount2 (asm/unistd_64.h, asm-generic/unistd.h). */
const SYSCALLS: Partial<Record<NodeJS.Architecture, [mount: number, umount2: number]>> = {
  x64: [165, 166],
  arm64: [40, 39],
};

// Fields arrive hex-encoded (no quoting to get wrong); the reply is "ok" or "err <errno> <text>".
// chdir first when asked: overlay's lowerdir list is relative to the layer store (see mount.ts).
const SCRIPT = String.raw`
use strict; use warnings;
$| = 1;
my ($SYS_mount, $SYS_umount2) = @ARGV;
while (my $line = <STDIN>) {
  chomp $line;
  my ($op, @f) = split / /, $line, -1;
  my @a = map { pack('H*', $_) } @f;
  my $r;
  if ($op eq 'mount') {
    my ($cwd, $src, $target, $type, $flags, $data) = @a;
    if ($cwd ne '' && !chdir($cwd)) { print "err ", $!+0, " chdir $cwd: $!\n"; next; }
    $r = syscall($SYS_mount + 0, $src, $target, $type, $flags + 0, $data);
    my ($errno, $text) = ($!+0, "$!");
    chdir('/');
    ($!, $text) = ($errno, $text);
  } elsif ($op eq 'umount') {
    my ($target, $flags) = @a;
    $r = syscall($SYS_umount2 + 0, $target, $flags + 0);
  } else {
    print "err 22 unknown request $op\n"; next;
  }
  if ($r == 0) { print "ok\n" } else { print "err ", $!+0, " $!\n" }
}
`;

export class SyscallError extends Error {
  readonly errno: number;
  constructor(call: string, errno: number, text: string) {
    super(`${call}: ${text}`);
    this.name = 'SyscallError';
    this.errno = errno;
  }
}

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
  call: string;
}

class Helper {
  #child: ChildProcessWithoutNullStreams | undefined;
  #pending: Pending[] = [];
  #buffer = '';
  readonly #numbers: [number, number];

  constructor(numbers: [number, number]) {
    this.#numbers = numbers;
  }

  request(call: string, fields: (string | number)[]): Promise<void> {
    const child = this.#child ?? this.#start();
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ resolve, reject, call });
      child.ref();
      child.stdin.write(`${call} ${fields.map((f) => Buffer.from(String(f)).toString('hex')).join(' ')}\n`);
    });
  }

  #start(): ChildProcessWithoutNullStreams {
    const child = spawn('perl', ['-e', SCRIPT, ...this.#numbers.map(String)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child = child;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => this.#onData(d));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.stdin.on('error', () => undefined); // reported through 'exit'
    const gone = (why: string) => {
      if (this.#child !== child) return;
      this.#child = undefined;
      this.#buffer = '';
      for (const p of this.#pending.splice(0)) p.reject(new Error(`${p.call}: mount helper ${why}${stderr ? `: ${stderr.trim()}` : ''}`));
    };
    child.on('error', (e) => gone(`failed: ${e.message}`));
    child.on('exit', (code, sig) => gone(`exited with ${sig ?? code}`));
    this.#idle(child);
    return child;
  }

  #onData(d: string): void {
    this.#buffer += d;
    let nl: number;
    while ((nl = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, nl);
      this.#buffer = this.#buffer.slice(nl + 1);
      const p = this.#pending.shift();
      if (!p) continue;
      if (line === 'ok') p.resolve();
      else {
        const m = /^err (\d+) (.*)$/.exec(line);
        p.reject(new SyscallError(p.call, m ? Number(m[1]) : 0, m ? m[2]! : line));
      }
    }
    if (this.#child && this.#pending.length === 0) this.#idle(this.#child);
  }

  /** A helper with nothing to do must not keep berthd (or a test) alive. */
  #idle(child: ChildProcessWithoutNullStreams): void {
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
  }
}

let helper: Helper | null | undefined;

function theHelper(): Helper | null {
  if (helper !== undefined) return helper;
  const numbers = SYSCALLS[process.arch];
  const perl = ['/usr/bin/perl', '/bin/perl'].some((p) => existsSync(p));
  helper = numbers && perl && process.env.BERTH_MOUNT_HELPER !== 'off' ? new Helper(numbers) : null;
  return helper;
}

export interface MountRequest {
  source: string;
  target: string;
  fstype: string;
  flags?: number;
  data: string;
  /** The working directory of the call: relative paths in data are resolved from it. */
  cwd?: string;
}

export async function mount(r: MountRequest): Promise<void> {
  const h = theHelper();
  if (h) return h.request('mount', [r.cwd ?? '', r.source, r.target, r.fstype, r.flags ?? 0, r.data]);
  const opts = (r.flags ?? 0) & MS_RDONLY ? `ro,${r.data}` : r.data;
  await run('mount', ['-t', r.fstype, r.source, '-o', opts, '--', r.target], r.cwd ? { cwd: r.cwd } : {});
}

export async function umount(target: string): Promise<void> {
  const h = theHelper();
  if (h) return h.request('umount', [target, 0]);
  await run('umount', ['--', target]);
}
