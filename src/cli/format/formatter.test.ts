import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TemplateError } from './errors.ts';
import { formatInspect, formatRows, rowPrinter } from './formatter.ts';

const PS_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
const PS_HEADERS = { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', RunningFor: 'CREATED', Status: 'STATUS', Ports: 'PORTS', Names: 'NAMES' };
const psRow = { ID: 'f2c1e7b8a9d0', Image: 'alpine', Command: '"sleep 1000"', RunningFor: '2 minutes ago', Status: 'Up 2 minutes', Ports: '', Names: 'eager_lamport' };

const CONTEXT_TABLE = 'table {{.Name}}{{if .Current}} *{{end}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}';
const CONTEXT_HEADERS = { Name: 'NAME', Description: 'DESCRIPTION', DockerEndpoint: 'DOCKER ENDPOINT', Error: 'ERROR' };
const contexts = [
  { Name: 'default', Current: true, Description: 'Current DOCKER_HOST based configuration', DockerEndpoint: 'unix:///var/run/docker.sock', Error: '' },
  { Name: 'remote', Current: false, Description: '', DockerEndpoint: 'ssh://me@example.com', Error: '' },
];

describe('formatRows', () => {
  it('renders docker ps default table exactly', () => {
    assert.equal(formatRows('', [psRow], PS_HEADERS, PS_TABLE),
      'CONTAINER ID   IMAGE     COMMAND        CREATED         STATUS         PORTS     NAMES\n' +
      'f2c1e7b8a9d0   alpine    "sleep 1000"   2 minutes ago   Up 2 minutes             eager_lamport\n');
  });

  it('renders docker context ls: {{if .Current}} is false on the header map', () => {
    assert.equal(formatRows('table', contexts, CONTEXT_HEADERS, CONTEXT_TABLE),
      'NAME        DESCRIPTION                               DOCKER ENDPOINT               ERROR\n' +
      'default *   Current DOCKER_HOST based configuration   unix:///var/run/docker.sock   \n' +
      'remote                                                ssh://me@example.com          \n');
  });

  it('renders the header alone when there are no rows', () => {
    assert.equal(formatRows(undefined, [], { ID: 'IMAGE ID', Size: 'SIZE' }), 'IMAGE ID   SIZE\n');
  });

  it('accepts "table TEMPLATE" with literal \\t and header-preserving functions', () => {
    const out = formatRows('table {{upper .Name}}\\t{{json .Name}}\\t{{pad .Name 1 1}}\\t{{truncate .Name 3}}', [{ Name: 'web' }], { Name: 'NAME' });
    // Header functions return their input, but pad still pads (as in docker).
    assert.equal(out, 'NAME      NAME       NAME     NAME\nWEB       "web"      web      web\n');
  });

  it('json prints one object per line with sorted keys', () => {
    assert.equal(formatRows('json', [{ b: 1, a: '<x>' }, { a: 2 }], {}), '{"a":"<x>","b":1}\n{"a":2}\n');
  });

  it('json includes getters and argument-less methods of class rows, like docker\'s MarshalJSON', () => {
    class Row {
      readonly Name = 'web';
      get ID(): string { return 'abc'; }
      Size(): string { return '1MB'; }
      Label(key: string): string { return key; }
    }
    assert.equal(formatRows('json', [new Row()], {}), '{"ID":"abc","Name":"web","Size":"1MB"}\n');
  });

  it('raw templates run once per row with no header; \\n is expanded', () => {
    assert.equal(formatRows('{{.Name}}: {{.Current}}', contexts, CONTEXT_HEADERS), 'default: true\nremote: false\n');
    assert.equal(formatRows('{{.Name}}\\n--', contexts.slice(0, 1), CONTEXT_HEADERS), 'default\n--\n');
  });

  it('derives a default table from the headers when none is given', () => {
    assert.equal(formatRows('table', [{ A: 'x', B: 'y' }], { A: 'COL A', B: 'COL B' }), 'COL A     COL B\nx         y\n');
    assert.equal(formatRows('', [{ A: 'x' }], { A: 'A' }, '{{.A}}'), 'A\nx\n'); // "table" is implied
  });

  it('throws "template parsing error" for parse and execution errors', () => {
    assert.throws(() => formatRows('{{.Name | nope}}', contexts, {}), {
      name: 'TemplateError', message: 'template parsing error: template: :1: function "nope" not defined',
    });
    assert.throws(() => formatRows('table {{index .Name 99}}', contexts, {}), (e: unknown) =>
      e instanceof TemplateError && e.message.startsWith('template parsing error: template: :1:2: executing "" at <index .Name 99>'));
  });

  it('ignores header execution errors, keeping partial header output', () => {
    // `.B.X` fails on the header's string "B"; what was written before stays.
    assert.equal(formatRows('table {{.A}}\t{{.B.X}}', [{ A: 'a', B: { X: 'b' } }], { A: 'A', B: 'B' }), 'A         \na         b\n');
  });
});

describe('rowPrinter', () => {
  it('streams one line per row, json or template', () => {
    const lines: string[] = [];
    const out = { write: (s: string) => lines.push(s) };
    rowPrinter('json', out)({ Type: 'container', Action: 'start' });
    rowPrinter('{{.Type}} {{.Action}}', out)({ Type: 'image', Action: 'pull' });
    assert.deepEqual(lines, ['{"Action":"start","Type":"container"}\n', 'image pull\n']);
  });
});

describe('formatInspect', () => {
  const objs = [{ Id: 'abc', Config: { Env: ['A=<1>&'] } }, { Id: 'def', Config: { Env: [] } }];

  it('defaults to a JSON array indented by four spaces, with Go HTML escaping', () => {
    assert.deepEqual(formatInspect(undefined, objs.slice(0, 1)), {
      output: '[\n    {\n        "Id": "abc",\n        "Config": {\n            "Env": [\n                "A=\\u003c1\\u003e\\u0026"\n            ]\n        }\n    }\n]\n',
      errors: [],
    });
    assert.equal(formatInspect('', []).output, '[]\n');
  });

  it('json compacts the array onto one line, as docker does', () => {
    assert.equal(formatInspect('json', objs).output, '[{"Id":"abc","Config":{"Env":["A=\\u003c1\\u003e\\u0026"]}},{"Id":"def","Config":{"Env":[]}}]\n');
  });

  it('executes a template once per object', () => {
    assert.deepEqual(formatInspect('{{.Id}} {{len .Config.Env}}', objs), { output: 'abc 1\ndef 0\n', errors: [] });
  });

  it('errors on missing struct fields but not on missing map keys, as docker does', () => {
    const obj = { Id: 'abc', Config: { Labels: { 'com.example': 'x' } } };
    assert.equal(formatInspect('{{.Config.Labels.nope}}|{{index .Config.Labels "nope"}}', [obj]).output, '<no value>|\n');
    assert.equal(formatInspect('{{.Config.Nope}}', [obj]).errors[0]?.detail,
      'template: :1:2: executing "" at <.Config.Nope>: map has no entry for key "Nope"');
  });

  it('collects per-object errors and keeps the other outputs', () => {
    const { output, errors } = formatInspect('{{.Id}}{{if eq .Id "def"}}{{.Nope}}{{end}}', objs);
    assert.equal(output, 'abc\n');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.message, 'template parsing error: template: :1:28: executing "" at <.Nope>: map has no entry for key "Nope"');
  });

  it('throws on a parse error', () => {
    assert.throws(() => formatInspect('{{.Id', objs), TemplateError);
  });
});
