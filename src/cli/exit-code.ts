// The exit status a command ends with once it has said why. Its own module below both main.ts
// and the commands: main imports the commands, so a value the commands import from main would
// only exist by luck of evaluation order.

/** Thrown by commands that end with a specific exit status and have already said why. */
export class ExitCode extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}
