// The scripts of `berth completion bash|zsh|fish` in the real shells, calling the built
// bin/berth: bash through its completion variables (no bash-completion package loaded), bash and
// zsh interactive in a terminal (zsh's zpty) with TAB typed, fish through `complete -C`. No
// daemon is reachable: command and flag completion need none.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { BERTH_EXECUTABLE } from '../../testing/berthd-harness.ts';
import { requires } from '../../testing/requires.ts';
import { run } from '../../testing/run.ts';

const dir = mkdtempSync(join(tmpdir(), 'berth-completion-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { PATH: `${dirname(BERTH_EXECUTABLE)}${delimiter}${process.env.PATH}`, DOCKER_HOST: `unix://${dir}/none.sock`, DOCKER_CONFIG: dir };

/** bash's view of `line` with the cursor at its end: its words (split at = and :, as bash does) and COMPREPLY. */
async function bashCompletes(words: string[], line: string, opts: { listing?: boolean; load?: string } = {}): Promise<string[]> {
  const script = [
    `source <(${opts.load ?? 'berth completion bash'}) || exit 3`,
    // COMP_TYPE 63 ("?"): readline lists the choices (a second TAB) rather than inserting one.
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMP_TYPE=${opts.listing ? 63 : 9}`,
    `COMP_LINE='${line}'; COMP_POINT=${line.length}`,
    '__berth_complete; printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const r = await run('bash', ['--norc', '--noprofile', '-c', script], { env });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean).sort();
}

test('bash: the script loads and completes commands, subcommands, flags and flag values; a listing shows descriptions', async () => {
  assert.deepEqual(await bashCompletes(['berth', 'ru'], 'berth ru'), ['run']);
  assert.deepEqual(await bashCompletes(['berth', 'container', 'l'], 'berth container l'), ['logs', 'ls']);
  assert.deepEqual(await bashCompletes(['berth', 'run', '--ne'], 'berth run --ne'), ['--network', '--network-alias']);
  // bash splits "--restart=o" at "=": only the part after it is replaced.
  assert.deepEqual(await bashCompletes(['berth', 'run', '--restart', '=', 'o'], 'berth run --restart=o'), ['on-failure']);
  assert.deepEqual(await bashCompletes(['berth', 'run', '--restart', '='], 'berth run --restart='), ['always', 'no', 'on-failure', 'unless-stopped']);
  assert.deepEqual(await bashCompletes(['berth', '-l', ''], 'berth -l '), ['debug', 'error', 'fatal', 'info', 'warn']);
  const listed = ['logs  (Fetch the logs of a container)', 'ls    (List containers)'];
  assert.deepEqual(await bashCompletes(['berth', 'container', 'l'], 'berth container l', { listing: true }), listed);
  assert.deepEqual(await bashCompletes(['berth', 'container', 'l'], 'berth container l', { listing: true, load: 'berth completion bash --no-descriptions' }), ['logs', 'ls']);
  const registered = await run('bash', ['--norc', '-c', 'source <(berth completion bash) && complete -p berth'], { env });
  assert.equal(registered.stdout, 'complete -F __berth_complete berth\n');
});

/**
 * The lines as an interactive shell leaves them after TAB: the shell runs in a terminal (zsh's
 * zpty), its rc file (.bashrc, .zshrc in `dir`) loads the script and binds ^X^X to write the
 * line being edited to a file; each line is typed, then TAB, ^X^X and ^U (erase), once the shell
 * says it is ready (a shell drops what was typed while it started).
 */
async function typedInTerminal(name: string, shell: string, rc: string, lines: string[]): Promise<string[]> {
  const out = join(dir, `${name}-lines`);
  writeFileSync(join(dir, `.${name}rc`), `${rc.replaceAll('OUT', out)}\necho ready >> ${out}\n`);
  const script = `
zmodload zsh/zpty || exit 3
written() { local i; for i in {1..300}; do [[ -f ${out} ]] && (( $(wc -l < ${out}) >= $1 )) && return; sleep 0.1; done }
zpty t '${shell}'
written 1
${lines.map((l) => `zpty -w -n t '${l}'$'\\t\\x18\\x18\\x15'`).join('\n')}
written ${lines.length + 1}
zpty -d t`;
  const r = await run('zsh', ['-f', '-c', script], { env, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  return readFileSync(out, 'utf8').split('\n').slice(1, -1);
}

test('zsh: TAB in an interactive zsh completes the line', { skip: requires('zsh') }, async () => {
  const rc = 'autoload -U compinit && compinit -u -D && source <(berth completion zsh)\n__show() { print -r -- "$BUFFER" >> OUT }\nzle -N __show && bindkey "^X^X" __show';
  const lines = await typedInTerminal('zsh', `ZDOTDIR=${dir} zsh -i`, rc, ['berth ru', 'berth container li', 'berth run --rest', 'berth run --restart=unl', 'berth --config=/us']);
  assert.deepEqual(lines, ['berth run ', 'berth container list ', 'berth run --restart ', 'berth run --restart=unless-stopped ', 'berth --config=/usr/']);
});

test('bash: TAB in an interactive bash (readline splitting words at = and :) completes the line', { skip: requires('zsh') }, async () => {
  const rc = `source <(berth completion bash)\nbind -x '"\\C-x\\C-x": printf "%s\\n" "$READLINE_LINE" >> OUT'`;
  const lines = await typedInTerminal('bash', `bash --rcfile ${dir}/.bashrc -i`, rc, ['berth ru', 'berth run --restart=unl', 'berth --config=/us', 'berth cp /et', 'berth stop ']);
  // `cp` takes file names; `stop` takes running containers: none without a daemon, no file names.
  assert.deepEqual(lines, ['berth run ', 'berth run --restart=unless-stopped ', 'berth --config=/usr/', 'berth cp /etc/', 'berth stop ']);
});

test('fish: complete -C offers the candidates with their descriptions; --no-descriptions leaves them out', { skip: requires('fish') }, async () => {
  const fish = async (load: string, line: string) => {
    const r = await run('fish', ['--no-config', '-c', `${load} | source; complete -C '${line}'`], { env });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  assert.equal(await fish('berth completion fish', 'berth ru'), 'run\tCreate and run a new container from an image\n');
  assert.equal(await fish('berth completion fish --no-descriptions', 'berth container l'), 'logs\nls\n');
  assert.equal(await fish('berth completion fish', 'berth run --restart=unl'), '--restart=unless-stopped\n');
  assert.equal(await fish('berth completion fish', 'berth stop '), '', 'no daemon: no names, no file names');
});
