// `berth context ...` end to end: the built CLI against a temporary DOCKER_CONFIG, and, where the
// docker CLI is installed, against docker itself sharing the same context store.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tar from 'tar-stream';
import { requires } from '../../testing/requires.ts';
import { BERTH } from '../../testing/berthd-harness.ts';


interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  raw: Buffer;
}

function run(cmd: string, args: string[], config: string, opts: { env?: Record<string, string>; input?: Buffer | string; cwd?: string } = {}): Run {
  const env: Record<string, string | undefined> = { ...process.env, DOCKER_CONFIG: config, ...opts.env };
  for (const k of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_TLS']) if (!opts.env?.[k]) delete env[k];
  const r = spawnSync(cmd, args, { env, input: opts.input ?? '', cwd: opts.cwd ?? config, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString(), raw: r.stdout };
}

const berth = (config: string, args: string[], opts?: Parameters<typeof run>[3]) => run(process.execPath, [BERTH, ...args], config, opts);
const docker = (config: string, args: string[], opts?: Parameters<typeof run>[3]) => run('docker', args, config, opts);

const dirs: string[] = [];
function tempConfig(): string {
  const d = mkdtempSync(join(tmpdir(), 'berth-context-test-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const metaPath = (config: string, name: string) => join(config, 'contexts', 'meta', sha(name), 'meta.json');

/** A private key to store as TLS material (unix hosts get no TLS checks, as in docker). */
function pemKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

async function untar(data: Buffer): Promise<{ name: string; type: string; mode: number; body: string }[]> {
  const extract = tar.extract();
  const out: { name: string; type: string; mode: number; body: string }[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      out.push({ name: entry.header.name, type: entry.header.type ?? '', mode: entry.header.mode ?? 0, body: Buffer.concat(chunks).toString() });
    }
  })();
  extract.end(data);
  await done;
  return out;
}

describe('berth context', () => {
  test('an empty store lists only the default context, marked current', () => {
    const cfg = tempConfig();
    const r = berth(cfg, ['context', 'ls']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      'NAME        DESCRIPTION                               DOCKER ENDPOINT                ERROR\n' +
        'default *   Current DOCKER_HOST based configuration   unix:///run/berth/berth.sock   \n',
    );
    assert.equal(r.stderr, '');
    assert.equal(berth(cfg, ['context', 'ls', '-q']).stdout, 'default\n');
    assert.equal(
      berth(cfg, ['context', 'ls', '--format', 'json']).stdout,
      '{"Current":true,"Description":"Current DOCKER_HOST based configuration","DockerEndpoint":"unix:///run/berth/berth.sock","Error":"","Name":"default"}\n',
    );
    assert.equal(berth(cfg, ['context', 'show']).stdout, 'default\n');
  });

  test('create writes docker\'s layout and prints as docker does', () => {
    const cfg = tempConfig();
    const r = berth(cfg, ['context', 'create', 'foo', '--description', 'my desc', '--docker', 'host=tcp://1.2.3.4:2376']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'foo\n');
    assert.equal(r.stderr, 'Successfully created context "foo"\n');
    assert.equal(
      readFileSync(metaPath(cfg, 'foo'), 'utf8'),
      '{"Name":"foo","Metadata":{"Description":"my desc"},"Endpoints":{"docker":{"Host":"tcp://1.2.3.4:2376","SkipTLSVerify":false}}}',
    );
    const ls = berth(cfg, ['context', 'ls', '--format', '{{.Name}}|{{.Current}}|{{.Description}}|{{.DockerEndpoint}}']);
    assert.equal(ls.stdout, 'default|true|Current DOCKER_HOST based configuration|unix:///run/berth/berth.sock\nfoo|false|my desc|tcp://1.2.3.4:2376\n');
  });

  test('create without --docker copies the current context, --from a named one', () => {
    const cfg = tempConfig();
    assert.equal(berth(cfg, ['context', 'create', 'copy']).status, 0);
    assert.equal(
      readFileSync(metaPath(cfg, 'copy'), 'utf8'),
      '{"Name":"copy","Metadata":{"Description":"Current DOCKER_HOST based configuration"},"Endpoints":{"docker":{"Host":"unix:///run/berth/berth.sock","SkipTLSVerify":false}}}',
    );
    const key = join(cfg, 'key.pem');
    writeFileSync(key, pemKey());
    assert.equal(berth(cfg, ['context', 'create', 'src', '--docker', `host=unix:///src.sock,key=${key}`]).status, 0);
    assert.equal(berth(cfg, ['context', 'create', 'dst', '--from', 'src', '--description', 'copied']).status, 0);
    const dst = JSON.parse(readFileSync(metaPath(cfg, 'dst'), 'utf8'));
    assert.deepEqual(dst, { Name: 'dst', Metadata: { Description: 'copied' }, Endpoints: { docker: { Host: 'unix:///src.sock', SkipTLSVerify: false } } });
    assert.equal(readFileSync(join(cfg, 'contexts', 'tls', sha('dst'), 'docker', 'key.pem'), 'utf8'), readFileSync(key, 'utf8'));
    // from= inside --docker copies the endpoint only, not its TLS files.
    assert.equal(berth(cfg, ['context', 'create', 'ep', '--docker', 'from=src']).status, 0);
    assert.equal(existsSync(join(cfg, 'contexts', 'tls', sha('ep'))), false);
    const both = berth(cfg, ['context', 'create', 'x1', '--from', 'src', '--docker', 'host=unix:///y']);
    assert.deepEqual([both.status, both.stderr], [1, 'cannot use --docker flag when --from is set\n']);
  });

  test('validation errors are worded as docker words them', () => {
    const cfg = tempConfig();
    berth(cfg, ['context', 'create', 'foo', '--docker', 'host=unix:///x']);
    const cases: [string[], number, string][] = [
      [['context', 'create', 'foo'], 1, 'context "foo" already exists\n'],
      [['context', 'create', 'default'], 1, '"default" is a reserved context name\n'],
      [['context', 'create', 'a'], 1, 'context name "a" is invalid, names are validated against regexp "^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$"\n'],
      [['context', 'create', 'b@x'], 1, 'context name "b@x" is invalid, names are validated against regexp "^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$"\n'],
      [['context', 'create', 'bar', '--docker', 'foo=bar'], 1, 'unable to create docker endpoint config: unrecognized config key: foo\n'],
      [['context', 'create', 'bar', '--docker', 'host=1.2.3.4'], 1, 'unable to create docker endpoint config: unable to apply docker endpoint options: unable to parse docker host `1.2.3.4`\n'],
      [['context', 'create', 'bar', '--docker', 'host=tcp://h:x'], 1, 'unable to create docker endpoint config: invalid docker endpoint options: parse "tcp://h:x": invalid port ":x" after host\n'],
      [['context', 'create', 'bar', '--docker', 'host=ssh://'], 1, 'unable to create docker endpoint config: invalid docker endpoint options: ssh host connection is not valid: invalid SSH URL: hostname is empty\n'],
      [['context', 'create', 'bar', '--docker', 'host=tcp://a:1,skip-tls-verify=yes'], 1, 'unable to create docker endpoint config: skip-tls-verify: parsing "yes": invalid syntax\n'],
      [['context', 'create', 'bar', '--docker', 'host=tcp://a:1,ca=/nonexistent/ca.pem'], 1, 'unable to create docker endpoint config: open /nonexistent/ca.pem: no such file or directory\n'],
      [['context', 'create', 'bar', '--docker', 'host=tcp://a:1,ca=/etc/hostname'], 1, 'unable to create docker endpoint config: invalid docker endpoint options: failed to retrieve context tls info: ca.pem seems invalid\n'],
      [['context', 'use', 'nope'], 1, `context "nope": context not found: open ${metaPath(cfg, 'nope')}: no such file or directory\n`],
      [['context', 'use'], 1, 'accepts 1 arg(s), received 0\n'],
      [['context', 'update', 'default', '--description', 'x'], 1, '"default" is a reserved context name\n'],
      [['context', 'create'], 1, "berth: 'berth context create' requires 1 argument\n\nUsage:  berth context create [OPTIONS] CONTEXT\n\nRun 'berth context create --help' for more information\n"],
      [['context', 'ls', 'x'], 1, "berth: 'berth context ls' accepts no arguments\n\nUsage:  berth context ls [OPTIONS]\n\nRun 'berth context ls --help' for more information\n"],
      [['context', 'rm'], 1, "berth: 'berth context rm' requires at least 1 argument\n\nUsage:  berth context rm CONTEXT [CONTEXT...]\n\nSee 'berth context rm --help' for more information\n"],
      [['context', 'export'], 1, "berth: 'berth context export' requires at least 1 and at most 2 arguments\n\nUsage:  berth context export [OPTIONS] CONTEXT [FILE|-]\n\nRun 'berth context export --help' for more information\n"],
      [['context', 'create', 'bar', '--docker', 'host'], 125, "invalid argument \"host\" for \"--docker\" flag: host must be formatted as key=value\n\nUsage:  berth context create [OPTIONS] CONTEXT\n\nRun 'berth context create --help' for more information\n"],
      [['context', 'foo'], 1, "berth: unknown command: berth context foo\n\nUsage:  berth context\n\nRun 'berth context --help' for more information\n"],
    ];
    for (const [args, status, stderr] of cases) {
      const r = berth(cfg, args);
      assert.deepEqual({ args, status: r.status, stderr: r.stderr, stdout: r.stdout }, { args, status, stderr, stdout: '' });
    }
    assert.equal(existsSync(metaPath(cfg, 'bar')), false);
  });

  test('--docker takes pflag\'s key=value list, repeated flags adding keys', () => {
    const cfg = tempConfig();
    assert.equal(berth(cfg, ['context', 'create', 'd4', '--docker', 'host=tcp://a:1,skip-tls-verify=1', '--docker', 'skip-tls-verify=0']).status, 0);
    assert.equal(berth(cfg, ['context', 'create', 'd9', '--docker', '"host=tcp://a:1",skip-tls-verify=t']).status, 0);
    assert.equal(berth(cfg, ['context', 'create', 'd20', '--docker', 'host=unix:///a,b']).status, 0);
    const r = berth(cfg, ['context', 'ls', '--format', '{{.Name}} {{.DockerEndpoint}}']);
    assert.equal(r.stdout, 'd4 tcp://a:1\nd9 tcp://a:1\nd20 unix:///a,b\ndefault unix:///run/berth/berth.sock\n');
    assert.equal(JSON.parse(readFileSync(metaPath(cfg, 'd4'), 'utf8')).Endpoints.docker.SkipTLSVerify, false);
    assert.equal(JSON.parse(readFileSync(metaPath(cfg, 'd9'), 'utf8')).Endpoints.docker.SkipTLSVerify, true);
  });

  test('use writes currentContext, use default removes it; show and ls follow', () => {
    const cfg = tempConfig();
    berth(cfg, ['context', 'create', 'bar', '--docker', 'host=unix:///bar.sock']);
    const r = berth(cfg, ['context', 'use', 'bar']);
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, 'bar\n', 'Current context is now "bar"\n']);
    assert.equal(JSON.parse(readFileSync(join(cfg, 'config.json'), 'utf8')).currentContext, 'bar');
    assert.equal(berth(cfg, ['context', 'show']).stdout, 'bar\n');
    assert.match(berth(cfg, ['context', 'ls']).stdout, /^bar \* {5}/m);
    assert.equal(berth(cfg, ['--context', 'default', 'context', 'show']).stdout, 'default\n');
    assert.equal(berth(cfg, ['context', 'show'], { env: { DOCKER_CONTEXT: 'other' } }).stdout, 'other\n');
    const d = berth(cfg, ['context', 'use', 'default']);
    assert.deepEqual([d.stdout, d.stderr], ['default\n', 'Current context is now "default"\n']);
    assert.equal('currentContext' in JSON.parse(readFileSync(join(cfg, 'config.json'), 'utf8')), false);
  });

  test('DOCKER_HOST overriding the active context is warned about', () => {
    const cfg = tempConfig();
    berth(cfg, ['context', 'create', 'bar', '--docker', 'host=unix:///bar.sock']);
    const env = { DOCKER_HOST: 'unix:///foo.sock' };
    const ls = berth(cfg, ['context', 'ls'], { env });
    assert.match(ls.stdout, /^default \* +Current DOCKER_HOST based configuration +unix:\/\/\/foo\.sock/m);
    assert.equal(ls.stderr, 'Warning: DOCKER_HOST environment variable overrides the active context. To use a context, either set the global --context flag, or unset DOCKER_HOST environment variable.\n');
    const use = berth(cfg, ['context', 'use', 'bar'], { env });
    assert.equal(use.stderr, 'Current context is now "bar"\nWarning: DOCKER_HOST environment variable overrides the active context. To use "bar", either set the global --context flag, or unset DOCKER_HOST environment variable.\n');
    assert.equal(berth(cfg, ['context', 'show'], { env }).stdout, 'default\n');
    assert.equal(berth(cfg, ['context', 'use', 'default'], { env }).stderr, 'Current context is now "default"\n');
  });

  test('a missing current context gets a stub row with the error, truncated', () => {
    const cfg = tempConfig();
    const r = berth(cfg, ['--context', 'nope', 'context', 'ls', '--format', '{{.Name}}|{{.Current}}|{{.Error}}']);
    assert.equal(r.status, 0);
    const full = `context "nope": context not found: open ${metaPath(cfg, 'nope')}: no such file or directory`;
    assert.equal(r.stdout, `default|false|\nnope|true|${full.slice(0, 44)}…\n`);
  });

  test('rm refuses the current context without -f, and -f falls back to the default', () => {
    const cfg = tempConfig();
    berth(cfg, ['context', 'create', 'bar', '--docker', 'host=unix:///bar.sock']);
    berth(cfg, ['context', 'create', 'baz', '--docker', 'host=unix:///baz.sock']);
    berth(cfg, ['context', 'use', 'bar']);
    const r = berth(cfg, ['context', 'rm', 'bar']);
    assert.deepEqual([r.status, r.stderr], [1, 'context "bar" is in use, set -f flag to force remove\n']);
    const many = berth(cfg, ['context', 'rm', 'nope', 'baz', 'default']);
    assert.deepEqual([many.status, many.stdout, many.stderr], [1, 'baz\n', 'context "nope" does not exist\ncontext "default" cannot be removed\n']);
    assert.equal(existsSync(metaPath(cfg, 'baz')), false);
    assert.deepEqual([berth(cfg, ['context', 'rm', '-f', 'nope']).status, berth(cfg, ['context', 'rm', '-f', 'nope']).stdout], [0, 'nope\n']);
    const f = berth(cfg, ['context', 'rm', '-f', 'bar']);
    assert.deepEqual([f.status, f.stdout], [0, 'bar\n']);
    assert.equal('currentContext' in JSON.parse(readFileSync(join(cfg, 'config.json'), 'utf8')), false);
    assert.equal(berth(cfg, ['context', 'show']).stdout, 'default\n');
  });

  test('inspect prints docker\'s JSON shape, and --format templates', () => {
    const cfg = tempConfig();
    const key = join(cfg, 'key.pem');
    writeFileSync(key, pemKey());
    berth(cfg, ['context', 'create', 'tq', '--description', 'd', '--docker', `host=unix:///x,key=${key}`]);
    const r = berth(cfg, ['context', 'inspect', 'tq']);
    assert.equal(r.status, 0, r.stderr);
    const storage = join(cfg, 'contexts');
    assert.equal(
      r.stdout,
      `[
    {
        "Name": "tq",
        "Metadata": {
            "Description": "d"
        },
        "Endpoints": {
            "docker": {
                "Host": "unix:///x",
                "SkipTLSVerify": false
            }
        },
        "TLSMaterial": {
            "docker": [
                "key.pem"
            ]
        },
        "Storage": {
            "MetadataPath": "${storage}/meta/${sha('tq')}",
            "TLSPath": "${storage}/tls/${sha('tq')}"
        }
    }
]
`,
    );
    const def = berth(cfg, ['context', 'inspect', '-f', 'json']);
    assert.equal(
      def.stdout,
      '[{"Name":"default","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///run/berth/berth.sock","SkipTLSVerify":false}},"TLSMaterial":{},"Storage":{"MetadataPath":"\\u003cIN MEMORY\\u003e","TLSPath":"\\u003cIN MEMORY\\u003e"}}]\n',
    );
    const t = (f: string) => berth(cfg, ['context', 'inspect', '--format', f, 'tq']).stdout;
    assert.equal(t('{{.Name}} {{.Endpoints.docker.Host}} {{json .TLSMaterial}}'), 'tq unix:///x {"docker":["key.pem"]}\n');
    // docker's struct embeds store.Metadata, so .Metadata is that struct.
    assert.equal(t('{{.Metadata.Metadata.Description}} {{.Metadata.Name}}'), 'd tq\n');
    assert.equal(t('{{.Metadata}}'), '{tq {d map[]} map[docker:{unix:///x false}]}\n');
    const missing = berth(cfg, ['context', 'inspect', 'nope', 'tq', '--format', '{{.Name}}']);
    assert.deepEqual([missing.status, missing.stdout, missing.stderr], [1, 'tq\n', `context "nope": context not found: open ${metaPath(cfg, 'nope')}: no such file or directory\n`]);
    const bad = berth(cfg, ['context', 'inspect', '--format', '{{', 'tq']);
    assert.deepEqual([bad.status, bad.stderr], [64, 'template parsing error: template: :1: unclosed action\n']);
  });

  test('update changes the description and, with --docker, the endpoint and its TLS files', () => {
    const cfg = tempConfig();
    const key = join(cfg, 'key.pem');
    writeFileSync(key, pemKey());
    berth(cfg, ['context', 'create', 'up', '--description', 'old', '--docker', `host=unix:///x,key=${key}`]);
    const r = berth(cfg, ['context', 'update', 'up', '--description', 'new']);
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, 'up\n', 'Successfully updated context "up"\n']);
    assert.ok(existsSync(join(cfg, 'contexts', 'tls', sha('up'), 'docker', 'key.pem')));
    assert.equal(berth(cfg, ['context', 'update', 'up', '--docker', 'host=tcp://z:1']).status, 0);
    assert.deepEqual(JSON.parse(readFileSync(metaPath(cfg, 'up'), 'utf8')), {
      Name: 'up',
      Metadata: { Description: 'new' },
      Endpoints: { docker: { Host: 'tcp://z:1', SkipTLSVerify: false } },
    });
    assert.equal(existsSync(join(cfg, 'contexts', 'tls', sha('up'), 'docker')), false);
    const nope = berth(cfg, ['context', 'update', 'nope']);
    assert.deepEqual([nope.status, nope.stderr], [1, `context "nope": context not found: open ${metaPath(cfg, 'nope')}: no such file or directory\n`]);
  });

  test('export writes docker\'s tar; import reads it back, from a file or stdin', async () => {
    const cfg = tempConfig();
    const key = join(cfg, 'key.pem');
    const keyPem = pemKey();
    writeFileSync(key, keyPem);
    berth(cfg, ['context', 'create', 'ex', '--description', 'exported', '--docker', `host=unix:///ex.sock,key=${key}`]);
    const w = berth(cfg, ['context', 'export', 'ex']);
    assert.deepEqual([w.status, w.stderr], [0, 'Written file "ex.dockercontext"\n']);
    const file = join(cfg, 'ex.dockercontext');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const again = berth(cfg, ['context', 'export', 'ex']);
    assert.deepEqual([again.status, again.stderr], [1, 'open ex.dockercontext: file exists\n']);
    const archive = readFileSync(file);
    const entries = await untar(archive);
    assert.deepEqual(
      entries.map((e) => [e.name.replace(/\/$/, ''), e.type, e.mode]),
      [['meta.json', 'file', 0o644], ['tls', 'directory', 0o700], ['tls/docker', 'directory', 0o700], ['tls/docker/key.pem', 'file', 0o600]],
    );
    assert.equal(entries[0].body, '{"Name":"ex","Metadata":{"Description":"exported"},"Endpoints":{"docker":{"Host":"unix:///ex.sock","SkipTLSVerify":false}}}');
    assert.equal(entries[3].body, keyPem);
    const stdout = berth(cfg, ['context', 'export', 'ex', '-']);
    assert.deepEqual(stdout.raw, archive);

    const imp = berth(cfg, ['context', 'import', 'im', file]);
    assert.deepEqual([imp.status, imp.stdout, imp.stderr], [0, 'im\n', 'Successfully imported context "im"\n']);
    assert.equal(readFileSync(metaPath(cfg, 'im'), 'utf8'), '{"Name":"im","Metadata":{"Description":"exported"},"Endpoints":{"docker":{"Host":"unix:///ex.sock","SkipTLSVerify":false}}}');
    assert.equal(readFileSync(join(cfg, 'contexts', 'tls', sha('im'), 'docker', 'key.pem'), 'utf8'), keyPem);
    assert.equal(berth(cfg, ['context', 'import', 'im2', '-'], { input: archive }).status, 0);
    // docker's own exports stop short of the last file's padding and the end-of-archive blocks.
    const truncated = archive.subarray(0, 512 * 4 + 512 + Buffer.byteLength(keyPem));
    assert.equal(berth(cfg, ['context', 'import', 'im3', '-'], { input: truncated }).status, 0, 'truncated tar');
    assert.equal(readFileSync(join(cfg, 'contexts', 'tls', sha('im3'), 'docker', 'key.pem'), 'utf8'), keyPem);

    const exists = berth(cfg, ['context', 'import', 'im', file]);
    assert.deepEqual([exists.status, exists.stderr], [1, 'context "im" already exists\n']);
    assert.equal(berth(cfg, ['context', 'import', 'x1', '/nonexistent']).stderr, 'open /nonexistent: no such file or directory\n');
    assert.equal(berth(cfg, ['context', 'import', 'x2', '-'], { input: '' }).stderr, 'invalid context: no metadata found\n');
    assert.equal(berth(cfg, ['context', 'import', 'x3', '-'], { input: 'short' }).stderr, 'unexpected EOF\n');
    const def = berth(cfg, ['context', 'export', 'default', '-']);
    assert.equal((await untar(def.raw))[0].body, '{"Name":"default","Metadata":{},"Endpoints":{"docker":{"Host":"unix:///run/berth/berth.sock","SkipTLSVerify":false}}}');
  });

  test('import accepts a zip archive', () => {
    const cfg = tempConfig();
    const zip = storedZip([
      ['meta.json', '{"Name":"whatever","Metadata":{"Description":"zipped"},"Endpoints":{"docker":{"Host":"tcp://zip:2375"}}}'],
      ['tls/docker/ca.pem', 'not checked on import'],
    ]);
    const r = berth(cfg, ['context', 'import', 'zipped', '-'], { input: zip });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(metaPath(cfg, 'zipped'), 'utf8'), '{"Name":"zipped","Metadata":{"Description":"zipped"},"Endpoints":{"docker":{"Host":"tcp://zip:2375","SkipTLSVerify":false}}}');
    assert.equal(readFileSync(join(cfg, 'contexts', 'tls', sha('zipped'), 'docker', 'ca.pem'), 'utf8'), 'not checked on import');
    const evil = storedZip([['../meta.json', '{}']]);
    assert.equal(berth(cfg, ['context', 'import', 'evil', '-'], { input: evil }).stderr, '../meta.json: unexpected context file\n');
  });

  test('every subcommand has --help', () => {
    const cfg = tempConfig();
    for (const sub of ['create', 'ls', 'list', 'use', 'rm', 'remove', 'inspect', 'show', 'update', 'export', 'import']) {
      const r = berth(cfg, ['context', sub, '--help']);
      assert.equal(r.status, 0, sub);
      assert.match(r.stdout, /^Usage: berth context /, sub);
    }
    const top = berth(cfg, ['context', '--help']);
    assert.match(top.stdout, /^ {2}create {6}Create a context$/m);
  });
});

describe('berth context with the docker CLI on the same store', { skip: requires('docker') }, () => {
  let cfg: string;
  before(() => {
    cfg = tempConfig();
  });

  test('a context created by berth is listed and inspected by docker', () => {
    const key = join(cfg, 'key.pem');
    writeFileSync(key, pemKey());
    assert.equal(berth(cfg, ['context', 'create', 'from-berth', '--description', 'made by berth', '--docker', `host=unix:///berth.sock,key=${key}`]).status, 0);
    const ls = docker(cfg, ['context', 'ls', '--format', 'json']);
    assert.equal(ls.status, 0, ls.stderr);
    const rows = ls.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows.find((r) => r.Name === 'from-berth'), { Current: false, Description: 'made by berth', DockerEndpoint: 'unix:///berth.sock', Error: '', Name: 'from-berth' });
    const ins = docker(cfg, ['context', 'inspect', 'from-berth']);
    assert.equal(ins.status, 0, ins.stderr);
    assert.equal(ins.stdout, berth(cfg, ['context', 'inspect', 'from-berth']).stdout);
    // and berth's export is imported by docker
    const tarball = berth(cfg, ['context', 'export', 'from-berth', '-']).raw;
    assert.equal(docker(cfg, ['context', 'import', 'berth-export', '-'], { input: tarball }).status, 0);
    assert.equal(docker(cfg, ['context', 'inspect', 'berth-export', '--format', '{{json .TLSMaterial}}']).stdout, '{"docker":["key.pem"]}\n');
  });

  test('a context created by docker is used by berth', () => {
    const c = docker(cfg, ['context', 'create', 'from-docker', '--description', 'made by docker', '--docker', 'host=tcp://10.0.0.1:2376,skip-tls-verify=true']);
    assert.equal(c.status, 0, c.stderr);
    const ls = berth(cfg, ['context', 'ls']);
    assert.equal(ls.status, 0, ls.stderr);
    assert.match(ls.stdout, /^from-docker +made by docker +tcp:\/\/10\.0\.0\.1:2376 +$/m);
    assert.equal(berth(cfg, ['--context', 'from-docker', 'context', 'show']).stdout, 'from-docker\n');
    assert.equal(berth(cfg, ['context', 'inspect', 'from-docker']).stdout, docker(cfg, ['context', 'inspect', 'from-docker']).stdout);
    // `docker context use` is seen by berth, and `berth context use` by docker.
    assert.equal(docker(cfg, ['context', 'use', 'from-docker']).status, 0);
    assert.equal(berth(cfg, ['context', 'show']).stdout, 'from-docker\n');
    assert.equal(berth(cfg, ['context', 'use', 'from-berth']).status, 0);
    assert.equal(docker(cfg, ['context', 'show']).stdout, 'from-berth\n');
    // docker's (unterminated) export is imported by berth
    const tarball = docker(cfg, ['context', 'export', 'from-docker', '-']).raw;
    const imp = berth(cfg, ['context', 'import', 'docker-export', '-'], { input: tarball });
    assert.equal(imp.status, 0, imp.stderr);
    assert.equal(berth(cfg, ['context', 'inspect', 'docker-export', '--format', '{{.Endpoints.docker.Host}} {{.Endpoints.docker.SkipTLSVerify}}']).stdout, 'tcp://10.0.0.1:2376 true\n');
    assert.equal(berth(cfg, ['context', 'rm', '-f', 'from-berth', 'from-docker', 'docker-export', 'berth-export']).status, 0);
    assert.equal(docker(cfg, ['context', 'ls', '-q']).stdout, 'default\n');
  });
});

/** A zip of stored (uncompressed) entries, enough for import's reader. */
function storedZip(files: [string, string][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of files) {
    const data = Buffer.from(text);
    const nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const b of data) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
