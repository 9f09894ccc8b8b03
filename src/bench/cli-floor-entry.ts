// The startup bench's CLI floor (scripts/cli-floor.mjs bundles it): berth's root program with
// docker's global flags in commander, one `version` command, and what `berth version` sends —
// HEAD /_ping then GET /version on one kept connection to $DOCKER_HOST, a unix socket, made as
// berth's client makes it (client/pipe-conn.ts: libuv's pipe handle, no node:net) — the least a
// commander-based berth command can do. Prints the two status codes as berth prints its text
// (cli/stdout-text.ts: no process.stdout stream).
import { rootProgram } from '../cli/root-program.ts';
import { connectPipe } from '../client/pipe-conn.ts';
import { stdoutText } from '../cli/stdout-text.ts';

const program = rootProgram();
program
  .command('version')
  .option('-f, --format <string>', 'Format output using a custom template')
  .action(() => {
    const socket = connectPipe((process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, ''));
    const codes: string[] = [];
    let answer = '';
    const send = (method: string, path: string) => socket.write(Buffer.from(`${method} ${path} HTTP/1.1\r\nHost: docker\r\n\r\n`, 'latin1'));
    send('HEAD', '/_ping');
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      // Each answer whole: its head, and the body its Content-Length says (none for HEAD).
      for (let end = answer.indexOf('\r\n\r\n'); end >= 0; end = answer.indexOf('\r\n\r\n')) {
        const length = codes.length === 0 ? 0 : Number(/\r\ncontent-length: *(\d+)/i.exec(answer.slice(0, end))?.[1] ?? 0);
        if (answer.length < end + 4 + length) return;
        codes.push(answer.slice(9, 12));
        answer = answer.slice(end + 4 + length);
        if (codes.length === 1) send('GET', '/v1.56/version');
        else {
          stdoutText.write(`${codes.join(' ')}\n`);
          socket.destroy();
        }
      }
    });
  });
program.parse(process.argv.slice(2), { from: 'user' });
