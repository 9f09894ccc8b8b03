// Recursive-descent parser for Go text/template, following the structure of
// Go's parse.Tree (itemList, parseControl, pipeline, command, operand, term)
// so that edge cases and error messages line up with the docker CLI.

import type { Arg, Command, Node, Pipe } from './ast.ts';
import { parseError } from './errors.ts';
import { lex, type Token } from './lexer.ts';

type End = { kind: 'end' | 'else'; tok: Token };
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'break', 'continue', 'define', 'template', 'block']);

export function parse(src: string, hasFunc: (name: string) => boolean): Node[] {
  const toks = lex(src);
  let i = 0;
  let vars = ['$'];   // variables in scope, checked at parse time like Go
  let rangeDepth = 0;

  const peek = (): Token => toks[i]!;
  const next = (): Token => toks[i++]!;
  const skipSpace = (): void => { while (peek().kind === 'space') i++; };
  const peekNonSpace = (): Token => { skipSpace(); return peek(); };
  const nextNonSpace = (): Token => { skipSpace(); return next(); };
  const fail = (tok: Token, msg: string): never => { throw parseError(tok.line, msg); };
  const describe = (t: Token): string =>
    t.kind === 'eof' ? 'EOF' : KEYWORDS.has(t.value) && t.kind === 'ident' ? `<${t.value}>` : JSON.stringify(t.value);
  const isKeyword = (t: Token, word: string): boolean => t.kind === 'ident' && t.value === word;
  const expectClose = (ctx: string): Token => {
    const t = nextNonSpace();
    return t.kind === 'close' ? t : fail(t, `unexpected ${describe(t)} in ${ctx}`);
  };

  const root: Node[] = [];
  while (peek().kind !== 'eof') {
    const n = textOrAction();
    if ('tok' in n) fail(n.tok, `unexpected {{${n.kind}}}`);
    else root.push(n);
  }
  return root;

  function textOrAction(): Node | End {
    const t = next();
    if (t.kind === 'text') return { kind: 'text', text: t.value };
    if (t.kind === 'open') return action();
    return fail(t, `unexpected ${describe(t)} in input`);
  }

  // Nodes up to the {{end}} or {{else}} that closes the enclosing control.
  function itemList(): { list: Node[]; end: End } {
    const list: Node[] = [];
    while (peekNonSpace().kind !== 'eof') {
      const n = textOrAction();
      if ('tok' in n) return { list, end: n };
      list.push(n);
    }
    return fail(peek(), 'unexpected EOF');
  }

  function action(): Node | End {
    const t = nextNonSpace();
    if (t.kind === 'ident' && KEYWORDS.has(t.value)) {
      switch (t.value) {
        case 'end': expectClose('end'); return { kind: 'end', tok: t };
        case 'else':
          // `{{else if ...}}` leaves the `if` pending for parseControl.
          if (isKeyword(peekNonSpace(), 'if') || isKeyword(peek(), 'with')) return { kind: 'else', tok: t };
          expectClose('else');
          return { kind: 'else', tok: t };
        case 'if': case 'with': case 'range': return control(t.value);
        case 'break': case 'continue':
          if (rangeDepth === 0) fail(t, `{{${t.value}}} outside {{range}}`);
          expectClose(t.value);
          return { kind: t.value };
        default: fail(t, `{{${t.value}}} is not supported`);
      }
    }
    i--;
    return { kind: 'action', pipe: pipeline('command', 'close') };
  }

  function control(ctx: 'if' | 'with' | 'range'): Node {
    const saved = vars.length;
    const pipe = pipeline(ctx, 'close');
    if (ctx === 'range') rangeDepth++;
    const { list, end } = itemList();
    if (ctx === 'range') rangeDepth--;
    let elseList: Node[] | null = null;
    if (end.kind === 'else') {
      if (ctx !== 'range' && isKeyword(peek(), ctx)) {
        next(); // `else if` / `else with` == `else` + nested control sharing our {{end}}
        elseList = [control(ctx)];
      } else {
        const rest = itemList();
        if (rest.end.kind !== 'end') fail(rest.end.tok, 'expected end; found {{else}}');
        elseList = rest.list;
      }
    }
    vars = vars.slice(0, saved);
    return { kind: ctx, pipe, list, elseList };
  }

  function pipeline(ctx: string, end: 'close' | 'rparen'): Pipe {
    const start = peekNonSpace();
    const pipe: Pipe = { decl: [], isAssign: false, cmds: [], pos: start.pos, end: start.pos };
    declarations(pipe, ctx);
    for (;;) {
      const t = nextNonSpace();
      if (t.kind === end) {
        if (pipe.cmds.length === 0) fail(t, `missing value for ${ctx}`);
        pipe.cmds.slice(1).forEach((c, n) => {
          if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0]!.kind)) {
            fail(t, `non executable command in pipeline stage ${n + 2}`);
          }
        });
        return pipe;
      }
      if (!['bool', 'char', 'dot', 'field', 'ident', 'number', 'nil', 'string', 'variable', 'lparen'].includes(t.kind)) {
        fail(t, `unexpected ${describe(t)} in ${ctx}`);
      }
      i--;
      pipe.cmds.push(command());
      pipe.end = pipe.cmds.at(-1)!.end;
    }
  }

  // `$x :=`, `$x =`, and in range `$i, $v :=`.
  function declarations(pipe: Pipe, ctx: string): void {
    const v = peekNonSpace();
    if (v.kind !== 'variable') return;
    const mark = i;
    next();
    const op = peekNonSpace();
    if (op.kind === 'declare' || op.kind === 'assign') {
      next();
      pipe.isAssign = op.kind === 'assign';
      if (pipe.isAssign && !vars.includes(v.value)) fail(v, `undefined variable "${v.value}"`);
      pipe.decl.push(v.value);
      if (!pipe.isAssign) vars.push(v.value);
    } else if (op.kind === 'comma' && ctx === 'range' && pipe.decl.length === 0) {
      next();
      pipe.decl.push(v.value);
      vars.push(v.value);
      if (peekNonSpace().kind !== 'variable') fail(peek(), 'range can only initialize variables');
      declarations(pipe, ctx);
      if ((pipe.decl as string[]).length !== 2) fail(v, 'range can only initialize variables');
    } else if (op.kind === 'comma') {
      fail(op, `too many declarations in ${ctx}`);
    } else {
      i = mark; // just a variable used as an operand
    }
  }

  function command(): Command {
    const start = peekNonSpace();
    const cmd: Command = { args: [], pos: start.pos, end: start.pos };
    for (;;) {
      skipSpace();
      const arg = operand();
      if (arg) { cmd.args.push(arg); cmd.end = arg.end; }
      const t = next();
      if (t.kind === 'space') continue;
      if (t.kind === 'close' || t.kind === 'rparen') i--;
      else if (t.kind !== 'pipe') fail(t, `unexpected ${describe(t)} in operand`);
      break;
    }
    if (cmd.args.length === 0) fail(start, 'empty command');
    return cmd;
  }

  // A term followed by adjacent `.Field`s, e.g. `$x.A.B` or `(pipe).A`.
  function operand(): Arg | null {
    const node = term();
    if (!node || peek().kind !== 'field') return node;
    const path: string[] = [];
    while (peek().kind === 'field') path.push(next().value);
    const end = toks[i - 1]!.end;
    switch (node.kind) {
      case 'field': return { ...node, path: [...node.path, ...path], end };
      case 'variable': return { ...node, path: [...node.path, ...path], end };
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        return fail(peek(), `unexpected . after term "${src.slice(node.pos, node.end)}"`);
      default: return { kind: 'chain', node, path, pos: node.pos, end };
    }
  }

  function term(): Arg | null {
    const t = nextNonSpace();
    const span = { pos: t.pos, end: t.end };
    switch (t.kind) {
      case 'ident':
        if (KEYWORDS.has(t.value)) break;
        if (!hasFunc(t.value)) fail(t, `function "${t.value}" not defined`);
        return { kind: 'ident', name: t.value, ...span };
      case 'dot': return { kind: 'dot', ...span };
      case 'nil': return { kind: 'nil', ...span };
      case 'variable':
        if (!vars.includes(t.value)) fail(t, `undefined variable "${t.value}"`);
        return { kind: 'variable', name: t.value, path: [], ...span };
      case 'field': return { kind: 'field', path: [t.value], ...span };
      case 'bool': return { kind: 'bool', value: t.value === 'true', ...span };
      case 'char': return { kind: 'number', value: Number(t.value), ...span };
      case 'number': return { kind: 'number', value: parseNumber(t), ...span };
      case 'string': return { kind: 'string', value: t.value, ...span };
      case 'lparen': {
        const pipe = pipeline('parenthesized pipeline', 'rparen');
        return { kind: 'pipe', pipe, pos: t.pos, end: toks[i - 1]!.end };
      }
    }
    i--;
    return null;
  }

  function parseNumber(t: Token): number {
    const text = t.value.replace(/_/g, '');
    const body = text.replace(/^[+-]/, '');
    // Number() knows 0x/0b/0o; Go also reads a leading 0 as octal.
    const n = (text.startsWith('-') ? -1 : 1) * (/^0\d+$/.test(body) ? parseInt(body, 8) : Number(body));
    return Number.isNaN(n) ? fail(t, `illegal number syntax: "${t.value}"`) : n;
  }
}
