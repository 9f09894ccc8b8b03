// A process's output as an attached client (attach, exec start) gets it. dockerd forwards each
// read of the process's pipe (or TTY) as it comes: a write of "a\nb\n" is one frame, and a
// prompt with no newline goes out at once. conmon's log has a record per line instead, and a
// read that ends mid-line as a P record. So the log is followed record by record, P records as
// they are (nothing waits for the rest of a line), and consecutive records of one stream read
// together are joined into one piece: one frame, and the byte stream a client sees is dockerd's.
// `docker logs` is not read this way: there each line is its own frame, as in dockerd.
import { fragmentOf, type LogEntry } from './k8s-log.ts';
import { readLogBatches, type ReadLogsOptions } from './log-reader.ts';

export type ReadOutputOptions = Omit<ReadLogsOptions, 'fragments' | 'tail' | 'until'>;

/** The log followed as output: one entry per run of one stream's records in one read. */
export async function* readOutput(path: string, opts: ReadOutputOptions = {}): AsyncGenerator<LogEntry[]> {
  for await (const batch of readLogBatches(path, { ...opts, fragments: true })) yield joinRuns(batch);
}

/** Consecutive entries of one stream become one (the first one's time). */
export function joinRuns(batch: LogEntry[]): LogEntry[] {
  if (batch.length < 2) return batch;
  const out: LogEntry[] = [];
  let run: LogEntry[] = [];
  const close = () => {
    if (run.length === 1) out.push(run[0]!);
    else if (run.length > 1) out.push(joined(run));
    run = [];
  };
  for (const e of batch) {
    if (run.length && run[0]!.stream !== e.stream) close();
    run.push(e);
  }
  close();
  return out;
}

function joined(run: LogEntry[]): LogEntry {
  const first = run[0]!;
  const text = Buffer.concat(run.map((e) => e.line));
  // fragmentOf builds an entry whose text is exactly `text` (an F record adds a newline).
  return fragmentOf({ timeNs: first.timeNs, stream: first.stream, partial: true, text });
}
