// berth version: the client and the server, laid out as `docker version` lays them out.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import type { VersionResponse } from '../../client/types.ts';
import { MAX_API_VERSION } from '../../api/types/version.ts';
import { ENGINE_VERSION, GIT_COMMIT, BUILD_TIME } from '../../lib/build-info.ts';
import { ansicTime } from '../go-time.ts';
import { alignColumns } from '../aligned.ts';

interface ClientVersion {
  Platform: { Name: string };
  Version: string;
  ApiVersion: string;
  DefaultAPIVersion: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  BuildTime: string;
  Context: string;
}

export function registerVersionCommand(program: Command, getEnv: () => CliEnv): void {
  program
    .command('version')
    .description('Show the berth version information')
    .option('-f, --format <string>', "Format output using a custom template:\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template")
    .action((flags: { format?: string }) => showVersion(getEnv(), flags.format));
}

async function showVersion(env: CliEnv, format: string | undefined): Promise<void> {
  const client = env.client();
  let server: VersionResponse | undefined;
  let serverError: Error | undefined;
  try {
    server = await client.system.version();
  } catch (err) {
    serverError = err as Error;
  }
  const clientInfo: ClientVersion = {
    Platform: { Name: 'berth' },
    Version: ENGINE_VERSION,
    ApiVersion: client.api.version ?? MAX_API_VERSION,
    DefaultAPIVersion: MAX_API_VERSION,
    GitCommit: GIT_COMMIT,
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: process.arch === 'x64' ? 'amd64' : process.arch,
    BuildTime: ansicTime(BUILD_TIME),
    Context: env.endpoint.contextName,
  };
  if (format) {
    const { printTemplate, withGoNames } = await import('../output.ts');
    const serverData = server ? withGoNames(server, { APIVersion: 'ApiVersion' }) : null;
    printTemplate(env.text, format, { Client: withGoNames(clientInfo, { APIVersion: 'ApiVersion' }), Server: serverData });
  }
  else env.text.write(alignColumns(versionLines(clientInfo, server), { minWidth: 20, padding: 1 }));
  if (serverError) throw serverError;
}

function versionLines(c: ClientVersion, s: VersionResponse | undefined): string {
  const apiNote = c.ApiVersion !== c.DefaultAPIVersion ? ` (downgraded from ${c.DefaultAPIVersion})` : '';
  let out = `Client: ${c.Platform.Name}\n Version:\t${c.Version}\n API version:\t${c.ApiVersion}${apiNote}\n`;
  out += ` Go version:\t${c.GoVersion}\n Git commit:\t${c.GitCommit}\n Built:\t${c.BuildTime}\n`;
  out += ` OS/Arch:\t${c.Os}/${c.Arch}\n Context:\t${c.Context}\n`;
  if (!s) return out;
  out += `\nServer:${s.Platform?.Name ? ` ${s.Platform.Name}` : ''}\n`;
  for (const comp of s.Components ?? []) {
    const d = comp.Details ?? {};
    out += ` ${comp.Name}:\n  Version:\t${comp.Version}\n`;
    if (comp.Name === 'Engine') {
      out += `  API version:\t${d.ApiVersion} (minimum version ${d.MinAPIVersion})\n  Go version:\t${d.GoVersion}\n`;
      out += `  Git commit:\t${d.GitCommit}\n  Built:\t${ansicTime(d.BuildTime ?? '')}\n  OS/Arch:\t${d.Os}/${d.Arch}\n  Experimental:\t${d.Experimental}\n`;
    } else {
      for (const [k, v] of Object.entries(d)) out += `  ${k}:\t${v}\n`;
    }
  }
  return out;
}
