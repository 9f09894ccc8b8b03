// Parse tree of a template, shaped like Go's text/template/parse nodes.
// Every node keeps its source span [pos, end) so execution errors can quote
// it the way Go does (`executing "" at <.Foo>: ...`).

export interface Span { pos: number; end: number }

export type Arg = Span & (
  | { kind: 'field'; path: string[] }               // .A.B
  | { kind: 'variable'; name: string; path: string[] } // $x.A
  | { kind: 'chain'; node: Arg; path: string[] }    // (pipeline).A
  | { kind: 'dot' }
  | { kind: 'ident'; name: string }                 // function name
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'pipe'; pipe: Pipe }                    // ( ... )
);

export interface Command extends Span { args: Arg[] }

export interface Pipe extends Span {
  decl: string[];     // variables declared (`:=`) or assigned (`=`)
  isAssign: boolean;
  cmds: Command[];
}

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipe }
  | { kind: 'if' | 'with' | 'range'; pipe: Pipe; list: Node[]; elseList: Node[] | null }
  | { kind: 'break' | 'continue' };
