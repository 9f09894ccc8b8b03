// The Dockerfile as the builder works on it: read by docker's parser rules (parse.ts), checked,
// and split into stages — words NOT yet expanded: variables are substituted at dispatch time with
// the stage's environment (the base image's Env, ENV and ARG in scope), as docker's builder does.

/** Where an instruction is, and its text as `docker build` prints it ("Step 2/9 : RUN echo hi"):
 * continuation lines joined, comments dropped, the original spelling of the keyword kept. */
export interface At {
  /** 1-based line of the instruction's keyword. */
  line: number;
  text: string;
}

/** A heredoc (`<<EOF`, `<<-EOF` strips leading tabs, `<<"EOF"`/`<<'EOF'` does not expand). */
export interface Heredoc {
  name: string;
  content: string;
  /** Quoted delimiter: no variable expansion in content. */
  expand: boolean;
}

/** Shell form is run by the stage's SHELL (default ["/bin/sh", "-c"]); exec form as given. */
export type Command = { form: 'exec'; argv: string[] } | { form: 'shell'; script: string };

export type Instruction =
  | {
      kind: 'RUN'; at: At; command: Command; network?: string;
      /** `RUN <<EOF` whose body starts with `#!`: docker mounts the body read-only as an
       * executable file (path /dev/pipes/<name>, mode 0755) for this RUN, and the command runs
       * that path. The builder must provide it; without it the RUN fails "not found". */
      inlineFile?: { path: string; content: string; mode: number };
    }
  | { kind: 'CMD' | 'ENTRYPOINT'; at: At; command: Command }
  | { kind: 'SHELL'; at: At; shell: string[] }
  /** Unexpanded key/value words (ENV k=v k2="v 2", the legacy `ENV k v`). */
  | { kind: 'ENV' | 'LABEL'; at: At; pairs: [string, string][] }
  | { kind: 'ARG'; at: At; args: { name: string; default?: string }[] }
  | { kind: 'EXPOSE'; at: At; ports: string[] }
  | { kind: 'VOLUME'; at: At; paths: string[] }
  | { kind: 'USER' | 'WORKDIR' | 'STOPSIGNAL' | 'MAINTAINER'; at: At; value: string }
  | {
      kind: 'COPY' | 'ADD';
      at: At;
      /** Unexpanded; a source naming one of `heredocs` is that inline file. */
      sources: string[];
      dest: string;
      from?: string;
      chown?: string;
      chmod?: string;
      /** `--link` (accepted; the classic builder's copy gives the same files). */
      link?: boolean;
      heredocs: Heredoc[];
    }
  | { kind: 'HEALTHCHECK'; at: At; none: true }
  | {
      kind: 'HEALTHCHECK'; at: At; none: false; test: Command;
      /** Durations in nanoseconds (0 = inherit/default), as the image config stores them. */
      interval: number; timeout: number; startPeriod: number; startInterval: number; retries: number;
    }
  /** The trigger's text, as stored in the image's OnBuild list. */
  | { kind: 'ONBUILD'; at: At; trigger: string };

export interface Stage {
  /** Position among the FROMs, 0-based (COPY --from=0 names it). */
  index: number;
  /** The AS name, lower-cased as docker does; undefined when there is none. */
  name?: string;
  from: { at: At; image: string; platform?: string };
  instructions: Instruction[];
}

export interface Directives {
  /** `# escape=` (default '\\'). */
  escape: '\\' | '`';
  /** `# syntax=` if given (berth builds with its own frontend; a warning names the syntax). */
  syntax?: string;
}

export interface ParsedDockerfile {
  directives: Directives;
  /** ARGs before the first FROM (usable in FROM lines, and in stages that redeclare them). */
  metaArgs: { at: At; name: string; default?: string }[];
  stages: Stage[];
  /** Parser warnings, as dockerd 20.10 sends them before "Step 1/n" (on the stream, in red):
   * "[WARNING]: " + message for each, then, if any, "[WARNING]: Empty continuation lines will
   * become errors in a future release." Today only empty lines inside a continuation. */
  warnings?: { line: number; message: string }[];
}

/** A Dockerfile error: the builder reports it as `<dockerfile name>:<line>: <message>`. */
export class DockerfileError extends Error {
  readonly line: number | undefined;
  constructor(message: string, line?: number) {
    super(message);
    this.line = line;
  }
}
