// The top-level help printed without commander is the text commander prints, at every width the
// fast path answers for, and the executable prints the same either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_INDEX, ROOT_HELP } from './command-index.generated.ts';
import { renderRootHelp } from './root-help.ts';
import { berth } from '../../testing/run.ts';

test('the stored help is commander\'s at 80 columns and at every width from wideFrom on', () => {
  assert.equal(ROOT_HELP.narrow, renderRootHelp(COMMAND_INDEX, 80));
  for (const width of [ROOT_HELP.wideFrom, ROOT_HELP.wideFrom + 1, 200, 1000]) {
    assert.equal(ROOT_HELP.wide, renderRootHelp(COMMAND_INDEX, width), `width ${width}`);
  }
  // Below wideFrom something wraps: that width is commander's to render.
  assert.notEqual(ROOT_HELP.wide, renderRootHelp(COMMAND_INDEX, ROOT_HELP.wideFrom - 1));
  assert.match(ROOT_HELP.narrow, /^Usage: berth \[OPTIONS\] COMMAND\n[^]*\nCommands:\n {2}version \[options\] +Show the berth version information\n/);
});

test('berth --help, -h, help and a bare berth print what commander prints for them', async () => {
  // A global flag before --help takes the commander path (precomputed-help answers only bare forms).
  const viaCommander = await berth(['-D', '--help']);
  assert.equal(viaCommander.code, 0, viaCommander.stderr);
  for (const argv of [['--help'], ['-h'], ['help']]) {
    const r = await berth(argv);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, viaCommander.stdout, ''], argv.join(' '));
  }
  const bare = await berth([]);
  assert.deepEqual([bare.code, bare.stdout, bare.stderr], [0, '', viaCommander.stdout]);
});
