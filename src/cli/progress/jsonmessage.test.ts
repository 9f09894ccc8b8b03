// The jsonmessage display fed a recorded pull: plain lines off a terminal, lines redrawn in place
// on one (checked byte for byte and through a small terminal model), errors and aux messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonMessage } from '../../client/types.ts';
import { displayJsonMessages, JsonMessageError } from './jsonmessage.ts';
import { goDuration, renderProgress } from './progress-bar.ts';

const DIGEST = 'sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b';
// As dockerd writes a pull of a two-layer image (one JSON object per line).
const PULL = `{"status":"Pulling from library/alpine","id":"3.19"}
{"status":"Pulling fs layer","progressDetail":{},"id":"4abcf2066143"}
{"status":"Pulling fs layer","progressDetail":{},"id":"b7e06bea8f6a"}
{"status":"Waiting","progressDetail":{},"id":"b7e06bea8f6a"}
{"status":"Downloading","progressDetail":{"current":32768,"total":3408729},"id":"4abcf2066143"}
{"status":"Downloading","progressDetail":{"current":3408729,"total":3408729},"id":"4abcf2066143"}
{"status":"Verifying Checksum","progressDetail":{},"id":"4abcf2066143"}
{"status":"Download complete","progressDetail":{},"id":"4abcf2066143"}
{"status":"Extracting","progressDetail":{"current":65536,"total":3408729},"id":"4abcf2066143"}
{"status":"Pull complete","progressDetail":{},"id":"4abcf2066143"}
{"status":"Downloading","progressDetail":{"current":12345678,"total":45678901},"id":"b7e06bea8f6a"}
{"status":"Download complete","progressDetail":{},"id":"b7e06bea8f6a"}
{"status":"Extracting","progressDetail":{"current":45678901,"total":45678901},"id":"b7e06bea8f6a"}
{"status":"Pull complete","progressDetail":{},"id":"b7e06bea8f6a"}
{"status":"Digest: ${DIGEST}"}
{"status":"Status: Downloaded newer image for alpine:3.19"}`;

const parse = (text: string): JsonMessage[] => text.split('\n').map((l) => JSON.parse(l) as JsonMessage);
async function* feed(msgs: JsonMessage[]): AsyncGenerator<JsonMessage> {
  yield* msgs;
}

class Sink {
  text = '';
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

/** Enough of a terminal to replay the display: \n, \r, cursor up/down, erase line. */
function screen(bytes: string): string[] {
  const rows: string[] = [''];
  let row = 0;
  let col = 0;
  for (let i = 0; i < bytes.length; i++) {
    const esc = /^\x1b\[(\d*)([ABK])/.exec(bytes.slice(i));
    if (esc) {
      const n = Number(esc[1] || 1);
      if (esc[2] === 'A') row = Math.max(0, row - n);
      else if (esc[2] === 'B') row += n;
      else rows[row] = '';
      i += esc[0].length - 1;
    } else if (bytes[i] === '\n') [row, col] = [row + 1, 0];
    else if (bytes[i] === '\r') col = 0;
    else {
      const line = (rows[row] ?? '').padEnd(col);
      rows[row] = line.slice(0, col) + bytes[i] + line.slice(col + 1);
      col++;
    }
    while (rows.length <= row) rows.push('');
  }
  return rows;
}

describe('jsonmessage display', () => {
  it('off a terminal: `<id>: <status>` lines, progress updates dropped', async () => {
    const out = new Sink();
    await displayJsonMessages(feed(parse(PULL)), out, { isTerminal: false });
    assert.equal(out.text, [
      '3.19: Pulling from library/alpine',
      '4abcf2066143: Pulling fs layer',
      'b7e06bea8f6a: Pulling fs layer',
      'b7e06bea8f6a: Waiting',
      '4abcf2066143: Verifying Checksum',
      '4abcf2066143: Download complete',
      '4abcf2066143: Pull complete',
      'b7e06bea8f6a: Download complete',
      'b7e06bea8f6a: Pull complete',
      `Digest: ${DIGEST}`,
      'Status: Downloaded newer image for alpine:3.19',
      '',
    ].join('\n'));
  });

  it('on a terminal: one line per layer, redrawn with cursor movement', async () => {
    const msgs = parse(PULL);
    const head = new Sink();
    await displayJsonMessages(feed(msgs.slice(0, 3)), head, { isTerminal: true, width: 120 });
    assert.equal(head.text,
      '3.19: Pulling from library/alpine\n' +
      '\n\x1b[1A\x1b[2K\r4abcf2066143: Pulling fs layer \r\x1b[1B' +
      '\n\x1b[1A\x1b[2K\rb7e06bea8f6a: Pulling fs layer \r\x1b[1B');

    const mid = new Sink();
    await displayJsonMessages(feed(msgs.slice(0, 11)), mid, { isTerminal: true, width: 120 });
    assert.deepEqual(screen(mid.text), [
      '3.19: Pulling from library/alpine',
      '4abcf2066143: Pull complete ',
      `b7e06bea8f6a: Downloading [${'='.repeat(13)}>${' '.repeat(37)}]  12.35MB/45.68MB`,
      '',
    ]);

    const all = new Sink();
    await displayJsonMessages(feed(msgs), all, { isTerminal: true, width: 120 });
    assert.deepEqual(screen(all.text), [
      '3.19: Pulling from library/alpine',
      '4abcf2066143: Pull complete ',
      'b7e06bea8f6a: Pull complete ',
      `Digest: ${DIGEST}`,
      'Status: Downloaded newer image for alpine:3.19',
      '',
    ]);
  });

  it('a narrow terminal shows the counts without the bar', async () => {
    const out = new Sink();
    await displayJsonMessages(feed(parse(PULL).slice(10, 11)), out, { isTerminal: true, width: 80 });
    assert.deepEqual(screen(out.text), ['b7e06bea8f6a: Downloading  12.35MB/45.68MB', '']);
  });

  it('an errorDetail ends the display with its message', async () => {
    const msgs = [
      ...parse(PULL).slice(0, 2),
      { errorDetail: { message: 'unauthorized: authentication required' }, error: 'unauthorized: authentication required' },
      { status: 'never shown' },
    ];
    const out = new Sink();
    await assert.rejects(displayJsonMessages(feed(msgs), out, { isTerminal: false }), (err: unknown) => {
      assert.ok(err instanceof JsonMessageError);
      assert.equal(err.message, 'unauthorized: authentication required');
      return true;
    });
    assert.equal(out.text, '3.19: Pulling from library/alpine\n4abcf2066143: Pulling fs layer\n');
  });

  it('stream messages print as they are; aux goes to the caller', async () => {
    const aux: unknown[] = [];
    const out = new Sink();
    const msgs: JsonMessage[] = [
      { status: 'The push refers to repository [127.0.0.1:5000/app]' },
      { status: 'Pushed', progressDetail: {}, id: 'abc123' },
      { status: `v1: digest: ${DIGEST} size: 527` },
      { progressDetail: {}, aux: { Tag: 'v1', Digest: DIGEST, Size: 527 } },
      { stream: 'Loaded image: busybox:latest\n' },
    ];
    await displayJsonMessages(feed(msgs), out, { isTerminal: false, onAux: (m) => aux.push(m.aux) });
    assert.equal(out.text, `The push refers to repository [127.0.0.1:5000/app]\nabc123: Pushed\nv1: digest: ${DIGEST} size: 527\nLoaded image: busybox:latest\n`);
    assert.deepEqual(aux, [{ Tag: 'v1', Digest: DIGEST, Size: 527 }]);
  });
});

describe('progress bar', () => {
  it('renders as JSONProgress.String()', () => {
    assert.equal(renderProgress({}), '');
    assert.equal(renderProgress({ current: 1500 }), '   1.5kB');
    assert.equal(renderProgress({ current: 3, units: 'layers' }), '3 layers');
    assert.equal(renderProgress({ current: 50, total: 100 }, 200), `[${'='.repeat(25)}>${' '.repeat(25)}]      50B/100B`);
    assert.equal(renderProgress({ current: 100, total: 100 }, 200), `[${'='.repeat(50)}>]     100B/100B`);
    assert.equal(renderProgress({ current: 150, total: 100 }, 80), '    150B');
    assert.equal(renderProgress({ current: 2, total: 4, units: 'blobs' }, 80), '2/4 blobs');
    assert.equal(renderProgress({ current: 2, total: 4, hidecounts: true }, 80), '');
  });

  it('estimates the time left from the start time', () => {
    const start = 1_700_000_000;
    const now = (start + 10) * 1000;
    assert.equal(renderProgress({ current: 1_000_000, total: 4_000_000, start }, 80, now), '     1MB/4MB 30s');
    assert.equal(renderProgress({ current: 1_000_000, total: 4_000_000, start }, 40, now), '     1MB/4MB');
    assert.deepEqual([0, 45, 65, 3600, 3723].map(goDuration), ['0s', '45s', '1m5s', '1h0m0s', '1h2m3s']);
  });
});
