// Cmd and Entrypoint merged with the image's as Debian's dockerd 20.10 merged each of these
// create bodies (inspect's Config.Cmd, Config.Entrypoint, Path and Args, read from it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageConfig } from '../../image/types.ts';
import { commandOf, mergeConfig } from './container-config.ts';

const image = (config: { Entrypoint?: string[]; Cmd?: string[] }): ImageConfig => ({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: { ...config } as ImageConfig['config'] });
const withEntrypoint = image({ Entrypoint: ['echo', 'ep'], Cmd: ['c1'] });
const withCmd = image({ Cmd: ['echo', 'fromimage'] });

function merged(body: Record<string, unknown>, img: ImageConfig): [unknown, unknown, string] {
  const c = mergeConfig({ Image: 'x', ...body }, img);
  let command: string;
  try {
    const { path, args } = commandOf(c);
    command = [path, ...args].join(' ');
  } catch (err) {
    command = `refused: ${(err as Error).message}`;
  }
  return [c.Cmd, c.Entrypoint, command];
}

test('an empty Cmd is the image\'s unless an entrypoint is asked; [""] asks for no entrypoint at all (as dockerd)', () => {
  const cases: [Record<string, unknown>, ImageConfig, [unknown, unknown, string]][] = [
    [{}, withEntrypoint, [['c1'], ['echo', 'ep'], 'echo ep c1']],
    [{ Cmd: null, Entrypoint: null }, withEntrypoint, [['c1'], ['echo', 'ep'], 'echo ep c1']],
    [{ Cmd: [] }, withEntrypoint, [['c1'], ['echo', 'ep'], 'echo ep c1']],
    [{ Cmd: [] }, withCmd, [['echo', 'fromimage'], null, 'echo fromimage']],
    [{ Entrypoint: [] }, withEntrypoint, [['c1'], [], 'c1']],
    [{ Entrypoint: [], Cmd: [] }, withEntrypoint, [['c1'], [], 'c1']],
    [{ Entrypoint: [], Cmd: ['ls'] }, withEntrypoint, [['ls'], [], 'ls']],
    [{ Entrypoint: null, Cmd: ['ls'] }, withEntrypoint, [['ls'], ['echo', 'ep'], 'echo ep ls']],
    [{ Entrypoint: ['ls'] }, withEntrypoint, [null, ['ls'], 'ls']],
    [{ Entrypoint: ['ls'], Cmd: [] }, withEntrypoint, [[], ['ls'], 'ls']],
    [{ Entrypoint: [''] }, withEntrypoint, [null, null, 'refused: no command specified']],
    [{ Entrypoint: '' }, withCmd, [null, null, 'refused: no command specified']],
    [{ Entrypoint: [''], Cmd: ['echo', 'x'] }, withEntrypoint, [['echo', 'x'], null, 'echo x']],
  ];
  for (const [body, img, want] of cases) assert.deepEqual(merged(body, img), want, JSON.stringify(body));
});
