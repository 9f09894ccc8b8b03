// Attaching to a container through conmon. conmon's attach endpoint is `<socket-dir>/<cuid>/attach`
// (the <cuid> entry is a symlink to the bundle), a SOCK_SEQPACKET unix socket (conn_sock.c):
//  - every packet conmon sends is [stream byte][data]: 1 stdin, 2 stdout, 3 stderr (ctr_stdio.c,
//    stdpipe_t); a TTY's output comes as 2. Packets carry at most 8192 bytes of data.
//  - every packet a client sends is written to the container's stdin (conmon reads 32767 bytes
//    at most per packet, so we send 8 KiB at a time).
//  - a client's EOF (shutdown SHUT_WR, or closing) makes conmon close the container's stdin,
//    unless conmon runs with --leave-stdin-open; output keeps flowing after a half-close.
//  - when the container exits conmon closes every attach connection.
// The ctl FIFO beside it takes "1 <rows> <cols>\n" (resize the TTY) and "2 0 0\n" (reopen the
// log file) (ctrl.c).
//
// Node cannot open a SOCK_SEQPACKET socket. socat can (`UNIX-CONNECT:<path>,type=5`), but it
// turns packets into a byte stream, and without the packet boundaries the stream byte cannot be
// told from data. So a small Perl bridge does it: perl-base is Essential in Debian (always
// installed) and its Socket module has SOCK_SEQPACKET. It frames each packet as [u32 length]
// [packet] on stdout, sends stdin in packets, and half-closes on stdin's EOF. It chdirs into the
// directory first, so a long socket path never meets sun_path's 108-byte limit.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { BerthError } from '../../api/types/errors.ts';

export const ATTACH_STDIN = 1;
export const ATTACH_STDOUT = 2;
export const ATTACH_STDERR = 3;

const BRIDGE = String.raw`
use strict; use Socket;
binmode STDIN; binmode STDOUT; $| = 1;
chdir $ARGV[0] or die "chdir $ARGV[0]: $!\n";
socket(my $s, AF_UNIX, SOCK_SEQPACKET, 0) or die "socket: $!\n";
connect($s, pack_sockaddr_un('attach')) or die "connect: $!\n";
sub out { my $b = shift; while (length $b) { my $w = syswrite(STDOUT, $b); die "write: $!\n" unless defined $w; substr($b, 0, $w) = ''; } }
out(pack('N', 0));
my $in = 1;
for (;;) {
  my $rin = ''; vec($rin, fileno($s), 1) = 1; vec($rin, fileno(STDIN), 1) = 1 if $in;
  my $n = select(my $rout = $rin, undef, undef, undef);
  if ($n < 0) { next if $!{EINTR}; die "select: $!\n"; }
  if (vec($rout, fileno($s), 1)) {
    defined(recv($s, my $p, 65536, 0)) or die "recv: $!\n";
    exit 0 if length($p) == 0;
    out(pack('N', length $p) . $p);
  }
  if ($in && vec($rout, fileno(STDIN), 1)) {
    my $r = sysread(STDIN, my $b, 8192);
    die "read: $!\n" unless defined $r;
    if ($r == 0) { shutdown($s, 1); $in = 0; } else { defined(send($s, $b, 0)) or die "send: $!\n"; }
  }
}`;

export interface Attachment {
  /** Bytes for the container's stdin; end() closes it (unless conmon has --leave-stdin-open). */
  stdin: Writable;
  /** One Buffer per conmon packet: [stream byte 1|2|3][data]. Ends when the container exits. */
  output: Readable;
  resize(rows: number, cols: number): Promise<void>;
  /** Detach: like a client going away. */
  close(): void;
}

/** Connects to `<dir>/attach` (dir: `<socket-dir>/<cuid>`); resolves once conmon accepted. */
export function attach(dir: string): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const child = spawn('perl', ['-e', BRIDGE, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    const output = new Readable({ objectMode: true, read: () => child.stdout.resume() });
    let buf: Buffer<ArrayBufferLike> = Buffer.alloc(0);
    let connected = false;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => {}); // the bridge is gone; its exit reports why
    child.stdout.on('data', (d: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const len = buf.readUInt32BE(0);
        const packet = buf.subarray(4, 4 + len);
        buf = buf.subarray(4 + len);
        if (!connected) {
          connected = true; // the bridge's empty hello: conmon accepted us
          resolve({ stdin: child.stdin, output, resize: (r, c) => resize(dir, r, c), close: () => child.kill() });
        } else if (!output.push(packet)) child.stdout.pause();
      }
    });
    child.on('error', (e) => fail(new BerthError('system', `attach: cannot run perl: ${e.message}`)));
    child.on('close', (code, sig) => {
      if (code === 0 || (connected && sig === 'SIGTERM')) return void output.push(null);
      fail(new BerthError(connected ? 'system' : 'conflict', `attach: ${stderr.trim() || `bridge exited with ${sig ?? code}`}`));
    });
    function fail(err: BerthError) {
      if (connected) output.destroy(err);
      else reject(err);
    }
  });
}

/** Resize the container's TTY through conmon's ctl FIFO (`<socket-dir>/<cuid>/ctl`). */
export function resize(dir: string, rows: number, cols: number): Promise<void> {
  return ctl(dir, `1 ${Math.trunc(rows)} ${Math.trunc(cols)}\n`);
}

/** Make conmon reopen its log file (log rotation: rename the log away first). */
export function reopenLog(dir: string): Promise<void> {
  return ctl(dir, '2 0 0\n');
}

async function ctl(dir: string, msg: string): Promise<void> {
  // O_NONBLOCK: opening a FIFO nobody reads (conmon gone) fails with ENXIO instead of hanging.
  const fh = await open(join(dir, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK).catch((e: NodeJS.ErrnoException) => {
    throw new BerthError('conflict', `conmon is not running for ${dir}: ${e.code}`);
  });
  try {
    await fh.write(msg);
  } finally {
    await fh.close();
  }
}
