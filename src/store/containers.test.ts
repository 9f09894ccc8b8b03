// The containers table's removal takes the container's host ports along (a failed network
// tear-down must not leave a port allocated to a container that no longer exists).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Database } from './database.ts';
import { ContainersTable } from './containers.ts';
import { PublishedPortsTable } from './published-ports.ts';

test('deleting a container releases the host ports it still held', () => {
  const db = new Database(':memory:');
  try {
    db.statement('PRAGMA foreign_keys = OFF').run(); // no image row needed for this table's test
    for (const id of ['a', 'b']) {
      db.statement(`INSERT INTO containers (id, name, image_id, image, created, config, host_config, rw_cache_id) VALUES (?, ?, 'sha256:x', 'x', '', '{}', '{}', ?)`).run(id, `/${id}`, id);
    }
    const ports = new PublishedPortsTable(db);
    const port = (hostPort: number) => ({ proto: 'tcp' as const, hostIp: '127.0.0.1', hostPort, containerPort: 80, containerIp: '172.17.0.2', bridge: 'berth0' });
    ports.replace('a', [{ containerId: 'a', ...port(8080) }]);
    ports.replace('b', [{ containerId: 'b', ...port(8081) }]);
    new ContainersTable(db).delete('a');
    assert.equal(ports.holder('tcp', '127.0.0.1', 8080), undefined);
    assert.deepEqual(ports.all().map((p) => p.containerId), ['b']);
  } finally {
    db.close();
  }
});
