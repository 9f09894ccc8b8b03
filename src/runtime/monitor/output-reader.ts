// A process's output as an attached client (attach, exec start) gets it. dockerd forwards each
// read of the process's pipe (or TTY) as it comes: a write of "a\nb\n" is one frame, and a
// prompt with no newline goes out at once. conmon's log has a record per line instead, and a
// read that ends mid-line ends in a P record. But conmon stamps every record of one read with
// the same time (ctr_logging.c, write_k8s_log), so the reads can be told apart again: the log is
// followed record by record, P records as they are (nothing waits for the rest of a line), and
// consecutive records of one stream and one time become one piece again — one frame, as
// dockerd sends it. (conmon reads at most 8 KiB at once, dockerd 32 KiB: a bigger write comes
// in more, smaller frames.) `docker logs` is not read this way: there each line is a frame.
import { logEntry, type LogEntry } from './k8s-log.ts';
import { readLogBatches, type ReadLogsOptions } from './log-reader.ts';

export type ReadOutputOptions = Omit<ReadLogsOptions, 'fragments' | 'tail' | 'until'>;

/** The log followed as output: one entry per read conmon made of the process's output. */
export async function* readOutput(path: string, opts: ReadOutputOptions = {}): AsyncGenerator<LogEntry[]> {
  for await (const batch of readLogBatches(path, { ...opts, fragments: true })) yield joinReads(batch);
}

/** Consecutive entries of one stream and one time (one read of conmon's) become one. */
export function joinReads(batch: LogEntry[]): LogEntry[] {
  if (batch.length < 2) return batch;
  const out: LogEntry[] = [];
  let run: LogEntry[] = [];
  const close = () => {
    if (run.length === 1) out.push(run[0]!);
    else if (run.length > 1) out.push(logEntry(run[0]!.stream, run[0]!.timeNs, Buffer.concat(run.map((e) => e.line))));
    run = [];
  };
  for (const e of batch) {
    if (run.length && (run[0]!.stream !== e.stream || run[0]!.timeNs !== e.timeNs)) close();
    run.push(e);
  }
  close();
  return out;
}
