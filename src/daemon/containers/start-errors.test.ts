import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conflict, isKind, systemError } from '../../api/types/errors.ts';
import { startFailure } from './start-errors.ts';

const cmd = (path: string) => ({ Entrypoint: null, Cmd: [path, 'arg'] });
const runc = (tail: string) => new Error(`runc create failed: unable to start container process: ${tail}`);

test('a missing or unrunnable command is the caller\'s mistake with dockerd\'s exit codes; other failures stay the daemon\'s', () => {
  const notFound = startFailure(runc('exec: "nosuchcmd": executable file not found in $PATH'), cmd('nosuchcmd'));
  assert.deepEqual([notFound.exitCode, isKind(notFound.error, 'invalid-parameter')], [127, true]);
  assert.equal(notFound.error.message, 'runc create failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH');
  assert.equal(startFailure(runc('exec: "/bin/gone": stat /bin/gone: no such file or directory'), cmd('/bin/gone')).exitCode, 127);
  const denied = startFailure(runc('exec: "/etc": permission denied'), cmd('/etc'));
  assert.deepEqual([denied.exitCode, isKind(denied.error, 'invalid-parameter')], [126, true]);
  const mount = startFailure(runc('error mounting "/host/f" to rootfs at "/etc/dir": not a directory'), cmd('sh'));
  assert.equal(mount.exitCode, 127);
  assert.match(mount.error.message, /not a directory: is a directory mounted onto a file, or a file onto a directory\?/);
  // A missing file that is not the command (a mount source) is not a command not found.
  const other = startFailure(runc('error mounting "/gone": no such file or directory'), cmd('sh'));
  assert.deepEqual([other.exitCode, other.error instanceof Error && !isKind(other.error, 'invalid-parameter')], [128, true]);
  assert.equal(startFailure(systemError('runc create failed: exec: "x": executable file not found in $PATH'), cmd('x')).exitCode, 127, 'as the runtime reports it');
  const own = conflict('cannot join network of a non running container: x');
  assert.deepEqual(startFailure(own, cmd('sh')), { error: own, exitCode: 128 });
});
