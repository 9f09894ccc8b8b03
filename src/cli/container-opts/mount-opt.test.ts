// --mount as the docker CLI 28 parses it: the expected values are what it sent (or said) for the
// same flags, recorded against a daemon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMountOpt } from './mount-opt.ts';

const SENT: [string, object][] = [
  ['target=/x', { Type: 'volume', Target: '/x' }],
  ['type=bind,src=/tmp,dst=/x,ro', { Type: 'bind', Source: '/tmp', Target: '/x', ReadOnly: true }],
  ['TYPE=BIND,SOURCE=/tmp,destination=/x,readonly=false', { Type: 'bind', Source: '/tmp', Target: '/x' }],
  ['type=tmpfs,target=/x,tmpfs-size=1m,tmpfs-mode=755', { Type: 'tmpfs', Target: '/x', TmpfsOptions: { SizeBytes: 1048576, Mode: 493 } }],
  ['type=volume,src=vv,target=/x,volume-driver=local,volume-subpath=a/b,volume-nocopy=false', { Type: 'volume', Source: 'vv', Target: '/x', VolumeOptions: { Subpath: 'a/b', DriverConfig: { Name: 'local' } } }],
  ['type=volume,src=vv,target=/x,volume-label=nolabel,volume-opt=o=bind,volume-nocopy', { Type: 'volume', Source: 'vv', Target: '/x', VolumeOptions: { Labels: { nolabel: '' }, DriverConfig: { Options: { o: 'bind' } }, NoCopy: true } }],
  ['type=bind,src=/tmp,target=/x,bind-recursive=disabled,bind-propagation=RSHARED', { Type: 'bind', Source: '/tmp', Target: '/x', BindOptions: { NonRecursive: true, Propagation: 'rshared' } }],
  ['type=bind,src=/tmp,target=/x,bind-recursive=writable,ro', { Type: 'bind', Source: '/tmp', Target: '/x', ReadOnly: true, BindOptions: { ReadOnlyNonRecursive: true } }],
  ['"type=bind","src=/tmp,x",target=/x,consistency=cached', { Type: 'bind', Source: '/tmp,x', Target: '/x', Consistency: 'cached' }],
];

const REFUSED: [string, string][] = [
  ['type=bind,src=/tmp,target=/x,ro=maybe', 'invalid value for ro: maybe'],
  ['type=bind,src=/tmp,target=/x,bogus', "invalid field 'bogus' must be a key=value pair"],
  ['type=bind,src=/tmp,target=/x,bogus=1', "unexpected key 'bogus' in 'bogus=1'"],
  ['type=bind,src=/tmp', 'target is required'],
  ['type=tmpfs,target=/x,tmpfs-mode=9', 'invalid value for tmpfs-mode: 9'],
  ['type=tmpfs,target=/x,tmpfs-size=bad', 'invalid value for tmpfs-size: bad'],
  ['type=bind,src=/tmp,target=/x,volume-nocopy', "cannot mix 'volume-*' options with mount type 'bind'"],
  ['type=volume,target=/x,bind-propagation=shared', "cannot mix 'bind-*' options with mount type 'volume'"],
  ['type=bind,src=/tmp,target=/x,bind-recursive=writable', "option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction"],
  ['type=bind,src=/tmp,target=/x,bind-recursive=readonly,ro', "option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction"],
  ['type=bind,src=/tmp,target=/x,bind-recursive=bogus', 'invalid value for bind-recursive: bogus (must be "enabled", "disabled", "writable", or "readonly")'],
  ['', 'EOF'],
  ['a"b=1,target=/x', 'parse error on line 1, column 2: bare " in non-quoted-field'],
];

test('--mount values become the Mount docker sends', () => {
  for (const [flag, mount] of SENT) assert.deepEqual(parseMountOpt(flag), mount, flag);
});

test('--mount values docker refuses are refused with its words', () => {
  for (const [flag, message] of REFUSED) assert.throws(() => parseMountOpt(flag), { message }, flag);
});
