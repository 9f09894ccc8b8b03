// A reader that went away (`berth ps | head -1`): the docker CLI, a Go program, dies of SIGPIPE
// without a word; node ignores SIGPIPE and gets EPIPE instead, and an 'error' event no one
// listened to printed a stack trace. berth ends as quietly, with the status a shell shows for a
// SIGPIPE death (141). The streams are wrapped, not made: node makes process.stdout at its first
// use, and making it loads the stream modules (stdout-text.ts says why that is avoided).
export function quietWhenReaderGone(): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const desc = Object.getOwnPropertyDescriptor(process, name);
    const make = desc?.get;
    if (!make || !desc.configurable) continue;
    let stream: NodeJS.WriteStream | undefined;
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: desc.enumerable ?? true,
      get() {
        if (!stream) {
          stream = make.call(process) as NodeJS.WriteStream;
          stream.on('error', endIfReaderGone);
        }
        return stream;
      },
    });
  }
}

/** EPIPE: the end, quietly; any other error is thrown as before (an uncaught exception). */
export function endIfReaderGone(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE') process.exit(141);
  throw err;
}
