// Where to reach a registry, in the order dockerd tries: https always; http after it only for
// insecure registries. An insecure registry's https endpoint skips certificate verification
// (as dockerd's does), so a self-signed or expired certificate works and a plain-http server
// fails the TLS handshake there and is then reached over http.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { systemError } from '../../api/types/errors.ts';
import { isInsecureRegistry, type RegistryHost } from './hosts.ts';
import type { TlsSettings } from './transport.ts';

export interface RegistryEndpoint {
  /** `https://host[:port]`, no trailing slash. */
  url: string;
  tls?: TlsSettings;
}

export interface EndpointOptions {
  insecureRegistries?: readonly string[];
  /** Per-registry TLS material, dockerd's certs.d layout: `<certsDir>/<host[:port]>/{*.crt,*.cert,*.key}`. */
  certsDir?: string;
}

export async function registryEndpoints(reg: RegistryHost, opts: EndpointOptions = {}): Promise<RegistryEndpoint[]> {
  if (reg.official) return [{ url: `https://${reg.apiHost}` }];
  if (isInsecureRegistry(reg.name, opts.insecureRegistries ?? [])) {
    return [
      { url: `https://${reg.apiHost}`, tls: { insecureSkipVerify: true } },
      { url: `http://${reg.apiHost}` },
    ];
  }
  const tls = opts.certsDir ? await readCertsDir(path.join(opts.certsDir, reg.name)) : undefined;
  return [{ url: `https://${reg.apiHost}`, tls }];
}

/**
 * Loads a certs.d directory like dockerd: every `*.crt` is a CA; every `*.cert` is a client
 * certificate that needs the `*.key` of the same name, and the other way round. A missing
 * directory means "nothing extra".
 */
export async function readCertsDir(dir: string): Promise<TlsSettings | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const tls: TlsSettings = {};
  const read = (name: string): Promise<string> => readFile(path.join(dir, name), 'utf8');
  for (const name of names) {
    if (name.endsWith('.crt')) (tls.ca ??= []).push(await read(name));
    if (name.endsWith('.cert')) {
      const keyName = `${name.slice(0, -'.cert'.length)}.key`;
      if (!names.includes(keyName)) {
        throw systemError(`missing key ${keyName} for client certificate ${name}. CA certificates must use the extension .crt`);
      }
      tls.cert = await read(name);
      tls.key = await read(keyName);
    }
    if (name.endsWith('.key') && !names.includes(`${name.slice(0, -'.key'.length)}.cert`)) {
      throw systemError(`missing client certificate ${name.slice(0, -'.key'.length)}.cert for key ${name}`);
    }
  }
  return tls;
}
