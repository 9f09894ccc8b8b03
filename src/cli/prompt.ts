// Interactive prompts on a terminal; passwords are read without echo.
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

export function ask(question: string, hidden = false): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY === true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stderr.write('\n');
      resolve(answer);
    });
    muted = hidden;
  });
}

export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** command.PromptForConfirmation: the question on stdout, `y` (any case) is yes. */
export async function confirm(env: { out: { write(s: string): unknown } }, message: string): Promise<boolean> {
  env.out.write(`${message} [y/N] `);
  const answer = process.stdin.isTTY ? await ask('') : await firstLine();
  return answer.trim().toLowerCase() === 'y';
}

async function firstLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += (chunk as Buffer).toString('utf8');
    if (text.includes('\n')) break;
  }
  return text.split('\n')[0] ?? '';
}
