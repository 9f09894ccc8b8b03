import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges } from './changes.ts';

test('changes update the config as docker import -c does', () => {
  const c = applyChanges({ Env: ['A=1'] }, [
    'CMD ["/bin/sh", "-c", "echo hi"]', 'ENTRYPOINT /entry.sh', 'ENV A=2 B="two words"', 'ENV C 3',
    'EXPOSE 80 53/udp', 'LABEL a=b', 'USER nobody', 'WORKDIR /srv', 'VOLUME /data', 'STOPSIGNAL SIGINT', 'ONBUILD RUN true',
  ]);
  assert.deepEqual(c.Cmd, ['/bin/sh', '-c', 'echo hi']);
  assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c', '/entry.sh']);
  assert.deepEqual(c.Env, ['A=2', 'B=two words', 'C=3']);
  assert.deepEqual(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.deepEqual(c.Labels, { a: 'b' });
  assert.equal(c.User, 'nobody');
  assert.equal(c.WorkingDir, '/srv');
  assert.deepEqual(c.Volumes, { '/data': {} });
  assert.equal(c.StopSignal, 'SIGINT');
  assert.deepEqual(c.OnBuild, ['RUN true']);
});

test('instructions that touch the filesystem are refused', () => {
  assert.throws(() => applyChanges({}, ['RUN rm -rf /']), /RUN is not a valid change command/);
  assert.throws(() => applyChanges({}, ['COPY a b']), /not a valid change command/);
});
