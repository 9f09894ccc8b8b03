// The local terminal during a TTY attach: raw mode on stdin (restored however the attach ends)
// and the container's TTY kept at the terminal's size (POST /containers/{id}/resize at start and
// on every SIGWINCH, which node reports as 'resize' on stdout).
import { spawnSync } from 'node:child_process';
import type { ContainersApi } from '../../client/containers-api.ts';

type TtyIn = NodeJS.ReadStream & { isTTY?: boolean; fd?: number; setRawMode?: (raw: boolean) => unknown };

/**
 * Puts a terminal stdin into raw mode as docker's term.MakeRaw does; the returned function
 * restores it (once). libuv's raw mode keeps output processing (\n → \r\n) on, which would turn
 * the container's \r\n into \r\r\n: stty switches it off like the rest of MakeRaw's flags, and
 * setRawMode(false) puts back the whole state libuv saved. NORAW=1 leaves the terminal as it is.
 */
export function makeRaw(stdin: TtyIn = process.stdin): () => void {
  if (!stdin.isTTY || !stdin.setRawMode || process.env.NORAW) return () => undefined;
  stdin.setRawMode(true);
  spawnSync('stty', ['-opost', '-ignbrk', '-parmrk', '-inlcr', '-igncr', '-echonl', '-parenb'], { stdio: [stdin.fd ?? 0, 'ignore', 'ignore'] });
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdin.setRawMode!(false);
    process.off('exit', restore);
  };
  // A crash or an unexpected exit must not leave the user's shell in raw mode.
  process.once('exit', restore);
  return restore;
}

/** [height, width] of the terminal on stdout, or [0, 0] (docker's GetTtySize). */
export function ttySize(out: NodeJS.WriteStream = process.stdout): [number, number] {
  return out.isTTY ? [out.rows ?? 0, out.columns ?? 0] : [0, 0];
}

/**
 * MonitorTtySize: resize now (retrying briefly while the container's TTY comes up, as docker
 * does) and whenever the terminal changes size. Returns a function that stops watching.
 */
export function monitorTtySize(containers: Pick<ContainersApi, 'resize'>, id: string, err: NodeJS.WritableStream = process.stderr, out: NodeJS.WriteStream = process.stdout): () => void {
  const resize = async () => {
    const [h, w] = ttySize(out);
    if (h === 0 && w === 0) return;
    await containers.resize(id, h, w);
  };
  let stopped = false;
  void resize().catch(async () => {
    for (let retry = 0; retry < 10; retry++) {
      await new Promise((r) => setTimeout(r, (retry + 1) * 10));
      if (stopped) return;
      if (await resize().then(() => true, () => false)) return;
    }
    err.write('failed to resize tty, using default size\n');
  });
  const onResize = () => void resize().catch(() => undefined); // as docker: the next resize tries again
  out.on('resize', onResize);
  return () => {
    stopped = true;
    out.off('resize', onResize);
  };
}
