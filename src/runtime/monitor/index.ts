// The per-container monitor layer: runc (OciRuntime), conmon (Conmon: create, exits, attach),
// and the k8s-file log reader. Mechanism only; berthd owns container state.
export { OciRuntime, runtimeMessage, type OciRuntimeOptions, type OciState, type OciStatus } from './oci-runtime.ts';
export { Conmon, type ConmonOptions, type ConmonCreateOptions } from './conmon.ts';
export { ExitWatcher, type ExitStatus } from './exits.ts';
export { attach, resize, reopenLog, ATTACH_STDIN, ATTACH_STDOUT, ATTACH_STDERR, type Attachment } from './attach.ts';
export { readLogs, type ReadLogsOptions } from './log-reader.ts';
export { formatRecord, formatTimestamp, parseTimestamp, toNs, type LogEntry, type LogStream } from './k8s-log.ts';
