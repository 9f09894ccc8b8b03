// The expected bytes are Debian's dockerd 20.10's, from containers it ran on this machine with
// these host files bind-mounted over /etc/resolv.conf (a private mount namespace).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostResolvConfPath, hostnameFile, hostsFile, linkNames, parseResolvConf, resolvConf } from './container-files.ts';

const DEFAULTS = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n';

test('/etc/hosts as dockerd 20.10 writes it', () => {
  assert.equal(hostsFile({ ips: ['172.17.0.2'], hostname: 'd0b1e2c3f4a5' }), `${DEFAULTS}172.17.0.2\td0b1e2c3f4a5\n`);
  assert.equal(hostsFile({ ips: ['172.17.0.2'], hostname: 'web', domainname: 'example.org' }), `${DEFAULTS}172.17.0.2\tweb.example.org web\n`);
  assert.equal(hostsFile({ ips: ['172.17.0.2'], hostname: 'web.example.org' }), `${DEFAULTS}172.17.0.2\tweb.example.org web\n`);
  assert.equal(hostsFile({
    ips: ['172.18.0.3', 'fd00::3'], hostname: 'app',
    extra: [{ host: 'db', ip: '10.0.0.5' }, { host: 'host.docker.internal', ip: '172.17.0.1' }],
    links: [{ ip: '172.17.0.4', names: ['cache', '0123456789ab', 'redis'] }],
  }), `${DEFAULTS}10.0.0.5\tdb\n172.17.0.1\thost.docker.internal\n172.17.0.4\tcache 0123456789ab redis\n172.18.0.3\tapp\nfd00::3\tapp\n`);
  // dockerd 20.10: `--link nkweb:w --link nkdb` (nkweb's hostname webh, nkdb's its short id).
  assert.equal(hostsFile({ ips: ['10.199.0.4'], hostname: 'l1', links: [{ ip: '10.199.0.2', names: linkNames('w', 'webh', 'nkweb') }, { ip: '10.199.0.3', names: linkNames('nkdb', '928536074bb1', 'nkdb') }] }),
    `${DEFAULTS}10.199.0.2\tw webh nkweb\n10.199.0.3\tnkdb 928536074bb1\n10.199.0.4\tl1\n`);
  assert.equal(hostsFile({ ips: ['10.0.0.2'], hostname: 'a', aliases: ['b'], ipv6: false }), '127.0.0.1\tlocalhost\n10.0.0.2\ta b\n');
  assert.equal(hostsFile({ ips: [], hostname: 'a' }), DEFAULTS);
});

test('/etc/hostname is the name and a newline', () => {
  assert.equal(hostnameFile('d0b1e2c3f4a5'), 'd0b1e2c3f4a5\n');
});

const RESOLVED = '# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n# Do not edit.\n\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n';

test('default bridge: the host file, loopback and (without IPv6) IPv6 nameservers removed', () => {
  assert.deepEqual(resolvConf('nameserver 10.255.255.53\n', {}), { text: 'nameserver 10.255.255.53\n', fellBack: false });
  const mixed = '# comment\nsearch corp.example\nnameserver 127.0.0.1\nnameserver 10.0.0.2\nnameserver 2001:db8::53\nnameserver ::1\noptions rotate\n';
  assert.deepEqual(resolvConf(mixed, {}), { text: '# comment\nsearch corp.example\nnameserver 10.0.0.2\noptions rotate\n', fellBack: false });
  assert.deepEqual(resolvConf(mixed, { ipv6: true }), { text: '# comment\nsearch corp.example\nnameserver 10.0.0.2\nnameserver 2001:db8::53\noptions rotate\n', fellBack: false });
});

test('default bridge: nothing usable left falls back to Google, with dockerd bytes', () => {
  // Its first pass appends the IPv4 and IPv6 servers after a newline; without IPv6 the second
  // pass takes the IPv6 ones out again, leaving the file with a final newline.
  assert.deepEqual(resolvConf(RESOLVED, {}), {
    text: '# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n# Do not edit.\n\noptions edns0 trust-ad\nsearch .\n\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n',
    fellBack: true,
  });
  assert.deepEqual(resolvConf(RESOLVED, { ipv6: true }).text.endsWith('\nnameserver 8.8.8.8\nnameserver 8.8.4.4\nnameserver 2001:4860:4860::8888\nnameserver 2001:4860:4860::8844'), true);
  assert.deepEqual(resolvConf('', {}), { text: '\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n', fellBack: true });
  // Only the second pass falls back here: no final newline, as dockerd leaves it.
  assert.deepEqual(resolvConf('nameserver 2001:db8::53\n', {}), { text: '\nnameserver 8.8.8.8\nnameserver 8.8.4.4', fellBack: true });
});

test('--dns, --dns-search, --dns-option replace the matching lines (search, nameservers, options)', () => {
  const host = '# c\nsearch a.example b.example\nnameserver 10.0.0.2\noptions rotate\n';
  assert.deepEqual(resolvConf(host, { dns: ['1.1.1.1', '9.9.9.9'] }), { text: 'search a.example b.example\nnameserver 1.1.1.1\nnameserver 9.9.9.9\noptions rotate\n', fellBack: false });
  assert.deepEqual(resolvConf(host, { search: ['x.example'] }), { text: 'search x.example\nnameserver 10.0.0.2\noptions rotate\n', fellBack: false });
  assert.deepEqual(resolvConf(host, { options: ['ndots:2', 'timeout:1'] }), { text: 'search a.example b.example\nnameserver 10.0.0.2\noptions ndots:2 timeout:1\n', fellBack: false });
  assert.deepEqual(resolvConf(host, { search: ['.'] }), { text: 'nameserver 10.0.0.2\noptions rotate\n', fellBack: false });
  // The host's loopback servers are no more use with --dns-search than without it.
  assert.deepEqual(resolvConf(RESOLVED, { search: ['x.example'] }), { text: 'search x.example\nnameserver 8.8.8.8\nnameserver 8.8.4.4\noptions edns0 trust-ad\n', fellBack: true });
  assert.deepEqual(resolvConf(RESOLVED, { dns: ['10.1.1.1'] }), { text: 'nameserver 10.1.1.1\noptions edns0 trust-ad\n', fellBack: false });
});

test('user networks: the embedded server, the host search domains and options, ndots:0', () => {
  assert.deepEqual(resolvConf('nameserver 10.255.255.53\n', { nameserver: '127.0.0.11' }), { text: 'nameserver 127.0.0.11\noptions ndots:0\n', fellBack: false });
  assert.deepEqual(resolvConf(RESOLVED, { nameserver: '172.18.0.1' }), { text: 'nameserver 172.18.0.1\noptions edns0 trust-ad ndots:0\n', fellBack: true });
  assert.deepEqual(resolvConf('search corp.example\nnameserver 10.0.0.2\nnameserver 2001:db8::53\n', { nameserver: '172.18.0.1', ipv6: true }),
    { text: 'search corp.example\nnameserver 172.18.0.1\nnameserver 2001:db8::53\noptions ndots:0\n', fellBack: false });
  assert.deepEqual(resolvConf('nameserver 127.0.0.1\n', { nameserver: '127.0.0.11', ipv6: true }),
    { text: 'nameserver 127.0.0.11\nnameserver 2001:4860:4860::8888\nnameserver 2001:4860:4860::8844\noptions ndots:0\n', fellBack: true });
  // --dns servers are the embedded server's upstreams; IPv6 ones stay listed, even without IPv6.
  assert.deepEqual(resolvConf('# c\nsearch corp.example\nnameserver 127.0.0.1\noptions edns0 trust-ad\n', { nameserver: '127.0.0.11', dns: ['1.1.1.1', '2001:db8::1'], options: ['ndots:2', 'rotate'] }),
    { text: 'search corp.example\nnameserver 127.0.0.11\nnameserver 2001:db8::1\noptions ndots:2 rotate\n', fellBack: false });
  assert.deepEqual(resolvConf('nameserver 10.0.0.2\n', { nameserver: '172.18.0.1', options: ['ndots:3'], dns: ['1.1.1.1'], search: ['s.example'] }),
    { text: 'search s.example\nnameserver 172.18.0.1\noptions ndots:3\n', fellBack: false });
});

test('parseResolvConf: comments stripped, last search and options lines win', () => {
  assert.deepEqual(parseResolvConf('nameserver 10.0.0.1 # a\n#nameserver 10.0.0.9\nsearch a\nsearch b c\noptions x\n  nameserver   fd00::1\nnameserver bogus\n'),
    { nameservers: ['10.0.0.1', 'fd00::1'], search: ['b', 'c'], options: ['x'] });
});

test('a systemd-resolved stub sends dockerd to the file with the real servers', () => {
  assert.equal(hostResolvConfPath(RESOLVED), '/run/systemd/resolve/resolv.conf');
  assert.equal(hostResolvConfPath('nameserver 127.0.0.53\nnameserver 10.0.0.2\n'), '/etc/resolv.conf');
  assert.equal(hostResolvConfPath('nameserver 10.0.0.2\n'), '/etc/resolv.conf');
});
