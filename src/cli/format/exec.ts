// Executes a parsed template, following Go's text/template exec.go: a
// variable stack with `$` at the bottom, pipelines that pass each command's
// result as the last argument of the next, and Go's missing-value rules.

import type { Arg, Command, Node, Pipe, Span } from './ast.ts';
import { ArgTypeError, type FuncMap } from './builtins.ts';
import { TemplateError } from './errors.ts';
import { formatValue } from './printf.ts';
import { goTypeName, isMapLike, isTrue, looksLikeStruct, lookupField, sortedEntries } from './values.ts';

export interface ExecOptions {
  funcs: FuncMap;
  /**
   * 'error' is Go's missingkey=error. 'struct' errors only on objects that
   * look like Go structs (see looksLikeStruct), which is what `docker inspect`
   * ends up doing: typed structs first, raw maps as the fallback.
   */
  missingKey: 'default' | 'error' | 'struct';
}

const NO_FINAL = Symbol('no final argument');
const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');

/** An execution failure located at a node; turned into a TemplateError at the top. */
class ExecFailure extends Error {
  readonly at: Span;
  constructor(at: Span, msg: string) { super(msg); this.at = at; }
}

export function execute(src: string, root: Node[], data: unknown, opts: ExecOptions): string {
  const out: string[] = [];
  const vars: { name: string; value: unknown }[] = [{ name: '$', value: data }];
  const fail = (at: Span, msg: string): never => { throw new ExecFailure(at, msg); };
  const text = (at: Span): string => src.slice(at.pos, at.end);

  try {
    walkList(root, data);
    return out.join('');
  } catch (e) {
    if (!(e instanceof ExecFailure)) throw e;
    const before = src.slice(0, e.at.pos);
    const line = before.split('\n').length;
    const col = e.at.pos - (before.lastIndexOf('\n') + 1);
    const err = new TemplateError(`template: :${line}:${col}: executing "" at <${text(e.at)}>: ${e.message}`, 'exec');
    err.partialOutput = out.join('');
    throw err;
  }

  function walkList(list: Node[], dot: unknown): void {
    for (const node of list) walk(node, dot);
  }

  function walk(node: Node, dot: unknown): void {
    switch (node.kind) {
      case 'text': out.push(node.text); return;
      case 'action': {
        const v = evalPipeline(dot, node.pipe);
        // Go prints nothing for `{{$x := ...}}`; nil and missing print <no value>.
        if (node.pipe.decl.length === 0) out.push(v == null ? '<no value>' : formatValue(v));
        return;
      }
      case 'if': case 'with': {
        const mark = vars.length; // variables declared here die at {{end}}
        const v = evalPipeline(dot, node.pipe);
        if (isTrue(v)) walkList(node.list, node.kind === 'with' ? v : dot);
        else if (node.elseList) walkList(node.elseList, dot);
        vars.length = mark;
        return;
      }
      case 'range': return walkRange(node, dot);
      case 'break': throw BREAK;
      case 'continue': throw CONTINUE;
    }
  }

  function walkRange(node: Extract<Node, { list: Node[] }>, dot: unknown): void {
    const mark = vars.length;
    const items = rangeItems(evalPipeline(dot, node.pipe), node.pipe);
    const [first, second] = node.pipe.decl;
    for (const [key, elem] of items) {
      const inner = vars.length;
      // One variable gets the element; two get key/index and element.
      if (second !== undefined) { setVar(first!, key); setVar(second, elem); }
      else if (first !== undefined) setVar(first, elem);
      try {
        walkList(node.list, elem);
      } catch (e) {
        if (e === BREAK) { vars.length = inner; break; }
        if (e !== CONTINUE) throw e;
      }
      vars.length = inner;
    }
    if (items.length === 0 && node.elseList) walkList(node.elseList, dot);
    vars.length = mark;
  }

  function rangeItems(v: unknown, at: Pipe): [unknown, unknown][] {
    if (v == null) return []; // Go: ranging over nil runs the else branch
    if (Array.isArray(v)) return v.map((e, i) => [i, e]);
    if (isMapLike(v)) return sortedEntries(v);
    if (Number.isInteger(v)) return Array.from({ length: Math.max(v as number, 0) }, (_, i) => [i, i]);
    return fail(at, `range can't iterate over ${formatValue(v)}`);
  }

  function evalPipeline(dot: unknown, pipe: Pipe): unknown {
    let value: unknown = NO_FINAL;
    for (const cmd of pipe.cmds) value = evalCommand(dot, cmd, value);
    for (const name of pipe.decl) {
      if (pipe.isAssign) setVar(name, value);
      else vars.push({ name, value });
    }
    return value;
  }

  function evalCommand(dot: unknown, cmd: Command, final: unknown): unknown {
    const [first, ...args] = cmd.args as [Arg, ...Arg[]];
    switch (first.kind) {
      case 'field': return evalFields(dot, dot, first, first.path, args, final);
      case 'chain': return evalFields(dot, chainBase(dot, first.node), first, first.path, args, final);
      case 'variable':
        if (first.path.length) return evalFields(dot, getVar(first.name), first, first.path, args, final);
        break;
      case 'ident': return call(dot, first.name, cmd, args, final);
    }
    if (args.length > 0 || final !== NO_FINAL) fail(first, `can't give argument to non-function ${text(first)}`);
    return evalArg(dot, first);
  }

  function evalArg(dot: unknown, arg: Arg): unknown {
    switch (arg.kind) {
      case 'dot': return dot;
      case 'nil': return null;
      case 'string': case 'number': case 'bool': return arg.value;
      case 'field': return evalFields(dot, dot, arg, arg.path, [], NO_FINAL);
      case 'variable': return evalFields(dot, getVar(arg.name), arg, arg.path, [], NO_FINAL);
      case 'chain': return evalFields(dot, chainBase(dot, arg.node), arg, arg.path, [], NO_FINAL);
      case 'pipe': return evalPipeline(dot, arg.pipe);
      case 'ident': return call(dot, arg.name, arg, [], NO_FINAL);
    }
  }

  function chainBase(dot: unknown, node: Arg): unknown {
    return node.kind === 'nil' ? fail(node, 'indirection through explicit nil') : evalArg(dot, node);
  }

  // Walks `.A.B.C`; only the last element receives arguments (as in Go).
  function evalFields(dot: unknown, receiver: unknown, at: Span, path: string[], args: Arg[], final: unknown): unknown {
    let v = receiver;
    path.forEach((name, i) => {
      const last = i === path.length - 1;
      v = evalField(dot, v, name, at, last ? args : [], last ? final : NO_FINAL);
    });
    return v;
  }

  function evalField(dot: unknown, receiver: unknown, name: string, at: Span, args: Arg[], final: unknown): unknown {
    if (receiver === undefined) {
      return opts.missingKey === 'error' ? fail(at, `nil data; no entry for key "${name}"`) : undefined;
    }
    if (receiver === null) return fail(at, `nil pointer evaluating interface {}.${name}`);
    if (typeof receiver !== 'object' || Array.isArray(receiver)) {
      return fail(at, `can't evaluate field ${name} in type ${goTypeName(receiver)}`);
    }
    const { found, value } = lookupField(receiver, name);
    if (typeof value === 'function') { // a method: Go calls it with the arguments
      const argv = withFinal(args.map((a) => evalArg(dot, a)), final);
      return invoke(at, name, () => value.apply(receiver, argv));
    }
    if (args.length > 0 || final !== NO_FINAL) fail(at, `${name} is not a method but has arguments`);
    if (found) return value;
    if (!isMapLike(receiver)) return fail(at, `can't evaluate field ${name} in type ${goTypeName(receiver)}`);
    const strict = opts.missingKey === 'error' || (opts.missingKey === 'struct' && looksLikeStruct(receiver));
    return strict ? fail(at, `map has no entry for key "${name}"`) : undefined;
  }

  function call(dot: unknown, name: string, at: Span, args: Arg[], final: unknown): unknown {
    const fn = opts.funcs[name] ?? fail(at, `"${name}" is not a defined function`);
    const n = args.length + (final === NO_FINAL ? 0 : 1);
    if (fn.variadic ? n < fn.length : n !== fn.length) {
      fail(at, `wrong number of args for ${name}: want ${fn.variadic ? 'at least ' : ''}${fn.length} got ${n}`);
    }
    // Missing values reach functions as nil, like Go's zero interface{}.
    const argv = fn.lazy
      ? withFinal(args.map((a) => () => evalArg(dot, a)), final === NO_FINAL ? NO_FINAL : () => final)
      : withFinal(args.map((a) => evalArg(dot, a)), final).map((v) => v ?? null);
    return invoke(at, name, () => fn(...argv));
  }

  function invoke(at: Span, name: string, thunk: () => unknown): unknown {
    try {
      return thunk();
    } catch (e) {
      if (e instanceof ExecFailure) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      return fail(at, e instanceof ArgTypeError ? msg : `error calling ${name}: ${msg}`);
    }
  }

  function withFinal<T>(argv: T[], final: unknown): T[] {
    return final === NO_FINAL ? argv : [...argv, final as T];
  }

  function getVar(name: string): unknown {
    return vars.findLast((v) => v.name === name)?.value;
  }

  function setVar(name: string, value: unknown): void {
    const v = vars.findLast((x) => x.name === name);
    if (v) v.value = value;
  }
}
