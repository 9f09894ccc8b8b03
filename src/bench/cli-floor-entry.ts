// The startup bench's CLI floor (scripts/cli-floor.mjs bundles it): berth's root program with
// docker's global flags in commander, one `version` command, and what `berth version` sends —
// HEAD /_ping then GET /version on one kept node:net connection to $DOCKER_HOST — the least a
// commander-based berth command can do. Prints the two status codes.
import { connect } from 'node:net';
import { rootProgram } from '../cli/root-program.ts';

const program = rootProgram();
program
  .command('version')
  .option('-f, --format <string>', 'Format output using a custom template')
  .action(() => {
    const socket = connect((process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, ''));
    const codes: string[] = [];
    let answer = '';
    const send = (method: string, path: string) => socket.write(`${method} ${path} HTTP/1.1\r\nHost: docker\r\n\r\n`);
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
          process.stdout.write(`${codes.join(' ')}\n`);
          socket.end();
        }
      }
    });
  });
program.parse(process.argv.slice(2), { from: 'user' });
