// berth login / logout: the daemon checks the credentials with the registry (POST /auth); the
// CLI keeps them, in docker's config.json or its credential helper.
import type { Command } from 'commander';
import type { CliEnv } from '../cli-env.ts';
import { eraseCredentials, loadCredentials, registryKey, storeCredentials, DOCKER_HUB_KEY } from '../config/credentials.ts';
import { ask, readAllStdin } from '../prompt.ts';

interface LoginFlags {
  username?: string;
  password?: string;
  passwordStdin?: boolean;
}

export function registerLoginCommands(program: Command, getEnv: () => CliEnv): void {
  program
    .command('login')
    .argument('[SERVER]')
    .description('Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.')
    .option('-u, --username <string>', 'Username')
    .option('-p, --password <string>', 'Password or Personal Access Token (PAT)')
    .option('--password-stdin', 'Take the Password or Personal Access Token (PAT) from stdin')
    .action((server: string | undefined, flags: LoginFlags) => login(getEnv(), server, flags));
  program
    .command('logout')
    .argument('[SERVER]')
    .description('Log out from a registry.\nIf no server is specified, the default is defined by the daemon.')
    .action((server: string | undefined) => logout(getEnv(), server));
}

async function login(env: CliEnv, server: string | undefined, flags: LoginFlags): Promise<void> {
  const key = registryKey(server);
  if (flags.password && flags.passwordStdin) throw new Error('--password and --password-stdin are mutually exclusive');
  let password = flags.password;
  if (flags.passwordStdin) {
    if (!flags.username) throw new Error('Must provide --username with --password-stdin');
    password = (await readAllStdin()).replace(/\r?\n$/, '');
  }
  if (flags.password) env.err.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  let username = flags.username;
  if (!username || password === undefined) {
    const stored = loadCredentials(env.configDir, key);
    if (!process.stdin.isTTY) throw new Error('Error: Cannot perform an interactive login from a non TTY device');
    username ||= (await ask(`Username${stored?.username ? ` (${stored.username})` : ''}: `)).trim() || stored?.username;
    if (!username) throw new Error('Error: Non-null Username Required');
    password ??= await ask('Password: ', true);
    if (!password) throw new Error('Error: Password Required');
  }
  const res = await env.client().system.login({
    username,
    password,
    serveraddress: key === DOCKER_HUB_KEY ? key : (server ?? key),
  });
  const saved = storeCredentials(env.configDir, key, {
    username,
    ...(res.IdentityToken ? { identitytoken: res.IdentityToken } : { password }),
  });
  if (saved.file) {
    env.err.write(`WARNING! Your credentials are stored unencrypted in '${saved.file}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`);
  }
  env.out.write(`${res.Status || 'Login Succeeded'}\n`);
}

function logout(env: CliEnv, server: string | undefined): void {
  const key = registryKey(server);
  const shown = server ?? key;
  if (!eraseCredentials(env.configDir, key)) {
    env.out.write(`Not logged in to ${shown}\n`);
    return;
  }
  env.out.write(`Removing login credentials for ${shown}\n`);
}
