// Go text/template for the CLI's --format flags, written by hand: the npm
// package @ctrl/golang-template (8 KB) handles none of range/if/functions.
// Parse once with Template.parse, then execute as many times as needed.
//
// Pipeline: lexer.ts -> parser.ts (ast.ts) -> exec.ts, with builtins.ts
// (Go's predefined functions), functions.ts (docker's), printf.ts (fmt) and
// strconv.ts; values.ts says how JS values stand in for Go ones.

import type { Node } from './ast.ts';
import { BUILTINS, type FuncMap } from './builtins.ts';
import { execute } from './exec.ts';
import { DOCKER_FUNCS } from './functions.ts';
import { parse } from './parser.ts';

export interface ExecuteOptions {
  /** Functions replacing same-named ones for this execution (Go's Funcs). */
  funcs?: FuncMap;
  /** Go's missingkey option ('error' fails on a missing map key), or 'struct': see exec.ts. */
  missingKey?: 'default' | 'error' | 'struct';
}

export class Template {
  readonly source: string;
  readonly #root: Node[];
  readonly #funcs: FuncMap;

  private constructor(source: string, root: Node[], funcs: FuncMap) {
    this.source = source;
    this.#root = root;
    this.#funcs = funcs;
  }

  /** Parses `source`; calling a function not in builtins, docker's or `funcs` is a parse error. */
  static parse(source: string, funcs: FuncMap = {}): Template {
    const all = { ...BUILTINS, ...DOCKER_FUNCS, ...funcs };
    return new Template(source, parse(source, (name) => Object.hasOwn(all, name)), all);
  }

  /** Runs the template against `data`; throws TemplateError (with partialOutput) on failure. */
  execute(data: unknown, options: ExecuteOptions = {}): string {
    return execute(this.source, this.#root, data, {
      funcs: { ...this.#funcs, ...options.funcs },
      missingKey: options.missingKey ?? 'default',
    });
  }
}
