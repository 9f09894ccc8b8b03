// The startup bench's CLI floor (scripts/cli-floor.mjs bundles it): berth's root program with
// docker's global flags in commander, one `version` command, and one GET /_ping over node:net to
// $DOCKER_HOST — the least a commander-based berth command can do. Prints the status code.
import { connect } from 'node:net';
import { rootProgram } from '../cli/root-program.ts';

const program = rootProgram();
program
  .command('version')
  .option('-f, --format <string>', 'Format output using a custom template')
  .action(() => {
    const socket = connect((process.env.DOCKER_HOST ?? '').replace(/^unix:\/\//, ''));
    socket.end('GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1'))).on('end', () => process.stdout.write(`${answer.slice(9, 12)}\n`));
  });
program.parse(process.argv.slice(2), { from: 'user' });
