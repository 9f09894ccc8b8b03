// berthd's host helper: one small long-lived process for what Node cannot do cheaply.
//
// - mount(2) and umount2(2): Node has no binding for them; mount(8)/umount(8) cost a process
//   start each, twice per `docker run`.
// - Starting a container's monitor (conmon). A fork of berthd (~90 MiB resident) costs 3–5 ms
//   here, most of it tearing the copied address space down again at exec, and libuv's spawn
//   blocks the event loop for all of it. A fork of this helper costs a fraction of that.
//
// It is a few lines of Perl: perl-base is essential on Debian, and its syscall(), fork and exec
// reach what we need without a native build (which CI machines could not do; no npm package
// offers these calls without one). Requests are one line each, fields hex-encoded (nothing to
// quote); every reply line starts with the request's id, so slow requests (a monitor start
// waits for `runc create`) run in a forked child of the helper and answer out of order.
//
// Callers fall back to mount(8)/umount(8) and child_process.spawn when the helper cannot run
// (no perl, an architecture whose syscall numbers are not listed, BERTH_HOST_HELPER=off).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';

/** x86_64 and arm64 numbers of mount and umount2 (asm/unistd_64.h, asm-generic/unistd.h). */
const SYSCALLS: Partial<Record<NodeJS.Architecture, [mount: number, umount2: number]>> = {
  x64: [165, 166],
  arm64: [40, 39],
};

// spawn: the request's child forks the program with stdin and stdout on /dev/null, stderr and
// fd 3 on pipes, in a new session, waits for that first process to exit (a monitor forks and
// detaches) and answers with its exit code, the first line it wrote on fd 3 and, if it failed,
// what it wrote on stderr. Each answer is one write under PIPE_BUF, so lines never interleave.
const SCRIPT = String.raw`
use strict; use warnings; use POSIX ();
$SIG{CHLD} = 'IGNORE';
my ($SYS_mount, $SYS_umount2) = @ARGV;
sub reply { syswrite(STDOUT, join(' ', @_) . "\n") }
sub tohex { unpack('H*', $_[0]) }
sub failed { reply($_[0], 'err', $!+0, tohex($_[1] . ": $!")) }
while (my $line = <STDIN>) {
  chomp $line;
  my ($id, $op, @f) = split / /, $line, -1;
  my @a = map { pack('H*', $_) } @f;
  if ($op eq 'mount') {
    my ($cwd, $src, $target, $type, $flags, $data) = @a;
    if ($cwd ne '' && !chdir($cwd)) { failed($id, "chdir $cwd"); next; }
    my $r = syscall($SYS_mount + 0, $src, $target, $type, $flags + 0, $data);
    my ($errno, $text) = ($!+0, "$!");
    chdir('/');
    if ($r == 0) { reply($id, 'ok') } else { reply($id, 'err', $errno, tohex("mount: $text")) }
  } elsif ($op eq 'umount') {
    my ($target, $flags) = @a;
    if (syscall($SYS_umount2 + 0, $target, $flags + 0) == 0) { reply($id, 'ok') } else { failed($id, 'umount') }
  } elsif ($op eq 'spawn') {
    my ($cwd, $env, $argv) = @a;
    my $pid = fork();
    if (!defined $pid) { failed($id, 'fork'); next; }
    next if $pid;
    $SIG{CHLD} = 'DEFAULT';
    open(STDIN, '<', '/dev/null');
    open(my $hold3, '<', '/dev/null'); # fd 3 taken, so the pipes land above it
    pipe(my $sr, my $sw) or do { failed($id, 'pipe'); POSIX::_exit(0) };
    pipe(my $er, my $ew) or do { failed($id, 'pipe'); POSIX::_exit(0) };
    my $child = fork();
    if (!defined $child) { failed($id, 'fork'); POSIX::_exit(0) }
    if ($child == 0) {
      POSIX::setsid();
      open(STDOUT, '>', '/dev/null');
      POSIX::dup2(fileno($ew), 2);
      POSIX::dup2(fileno($sw), 3);
      if (!chdir($cwd)) { print STDERR "chdir $cwd: $!\n"; POSIX::_exit(127) }
      %ENV = map { split(/=/, $_, 2) } grep { $_ ne '' } split(/\0/, $env);
      my @args = split(/\0/, $argv, -1); # -1: an empty last argument is an argument
      exec { $args[0] } @args;
      print STDERR "exec $args[0]: $!\n";
      POSIX::_exit(127);
    }
    close $sw; close $ew; close $hold3;
    waitpid($child, 0);
    my $code = ($? & 127) ? 128 + ($? & 127) : $? >> 8;
    my $sync = '';
    while (index($sync, "\n") < 0) { my $n = sysread($sr, my $buf, 4096); last unless $n; $sync .= $buf; }
    $sync = substr($sync, 0, index($sync, "\n") + 1) if index($sync, "\n") >= 0;
    my $err = '';
    if ($code != 0 || index($sync, "\n") < 0) {
      eval { local $SIG{ALRM} = sub { die "timeout\n" }; alarm 2; while (sysread($er, my $buf, 4096)) { $err .= $buf } alarm 0; };
    }
    reply($id, 'done', $code, tohex(substr($sync, 0, 900)), tohex(substr($err, -900)));
    POSIX::_exit(0);
  } else {
    reply($id, 'err', 22, tohex("unknown request $op"));
  }
}
`;

export class HelperError extends Error {
  readonly errno: number;
  constructor(message: string, errno: number) {
    super(message);
    this.name = 'HelperError';
    this.errno = errno;
  }
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

export interface SpawnResult {
  /** The first process's exit code (128+n for a signal). */
  code: number;
  /** What it wrote on fd 3, up to and including the first newline. */
  sync: string;
  /** Its stderr, when it failed (the last 900 bytes). */
  stderr: string;
}

interface Pending {
  resolve: (fields: string[]) => void;
  reject: (err: Error) => void;
}

export class HostHelper {
  #child: ChildProcessWithoutNullStreams | undefined;
  readonly #pending = new Map<number, Pending>();
  readonly #numbers: [number, number];
  #nextId = 1;
  #buffer = '';

  constructor(numbers: [number, number]) {
    this.#numbers = numbers;
  }

  /** The helper's pid while it runs (tests end it to check that the next request starts another). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async mount(r: MountRequest): Promise<void> {
    await this.#request('mount', [r.cwd ?? '', r.source, r.target, r.fstype, r.flags ?? 0, r.data]);
  }

  /** flags: umount2's (MNT_DETACH = 2 for a lazy unmount). */
  async umount(target: string, flags = 0): Promise<void> {
    await this.#request('umount', [target, flags]);
  }

  /** Starts `argv` detached (its own session) with fd 3 as a pipe back; see SCRIPT. */
  async spawnDetached(argv: string[], o: { cwd: string; env: NodeJS.ProcessEnv }): Promise<SpawnResult> {
    const env = Object.entries(o.env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join('\0');
    const [code, sync, stderr] = await this.#request('spawn', [o.cwd, env, argv.join('\0')]);
    return { code: Number(code), sync: unhex(sync ?? ''), stderr: unhex(stderr ?? '') };
  }

  #request(op: string, fields: (string | number)[]): Promise<string[]> {
    const child = this.#child ?? this.#start();
    const id = this.#nextId++;
    return new Promise<string[]>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      child.ref();
      child.stdin.write(`${id} ${op} ${fields.map((f) => Buffer.from(String(f)).toString('hex')).join(' ')}\n`);
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
      const err = new Error(`host helper ${why}${stderr ? `: ${stderr.trim()}` : ''}`);
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
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
      const [id, kind, ...rest] = this.#buffer.slice(0, nl).split(' ');
      this.#buffer = this.#buffer.slice(nl + 1);
      const p = this.#pending.get(Number(id));
      if (!p) continue;
      this.#pending.delete(Number(id));
      if (kind === 'err') p.reject(new HelperError(unhex(rest[1] ?? ''), Number(rest[0])));
      else p.resolve(kind === 'done' ? rest : []);
    }
    if (this.#child && this.#pending.size === 0) this.#idle(this.#child);
  }

  /** A helper with nothing to do must not keep berthd (or a test) alive. */
  #idle(child: ChildProcessWithoutNullStreams): void {
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
  }
}

function unhex(h: string): string {
  return Buffer.from(h, 'hex').toString();
}

let helper: HostHelper | null | undefined;

/** The helper, or null where it cannot run (callers then use the commands). */
export function hostHelper(): HostHelper | null {
  if (helper !== undefined) return helper;
  const numbers = SYSCALLS[process.arch];
  const perl = ['/usr/bin/perl', '/bin/perl'].some((p) => existsSync(p));
  helper = numbers && perl && process.env.BERTH_HOST_HELPER !== 'off' ? new HostHelper(numbers) : null;
  return helper;
}
