/**
 * The incus CLI's own remotes, so a CLI user has nothing to set up: config.yml's `remotes`,
 * the pinned server certificates in servercerts/NAME.crt and the CLI's client.crt/client.key.
 * Only what Enclave can use is returned: Incus-protocol remotes over HTTPS. Image servers
 * (simplestreams, oci) and the unix `local` remote are skipped. A remote whose files are
 * broken is kept with a `problem`, so the user sees why, and the others are unaffected.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { EnclaveError } from '../../../shared/errors.js';
import { serverNameProblem } from '../../../shared/servers.js';
import { certFingerprint } from '../../incus/endpoint.js';
import { normaliseAddress } from './address.js';

/** Far above any real config.yml or certificate; a bigger file is refused, not read. */
const MAX_CONFIG_BYTES = 1024 * 1024;
const MAX_PEM_BYTES = 64 * 1024;

export interface CliRemote {
  name: string;
  /** https://host:port (normalised), or the text as written when it cannot be. */
  address: string;
  /** servercerts/NAME.crt; null when absent or unreadable. */
  serverCertPem: string | null;
  fingerprint: string | null;
  /** The CLI's project for this remote, when it names one. */
  project: string | null;
  /** Why Enclave cannot use this remote as configured; null when it can. */
  problem: string | null;
}

export interface CliRemotes {
  remotes: CliRemote[];
  /** config.yml itself could not be read; `remotes` is then empty. */
  problem: string | null;
}

/** $INCUS_CONF, else ~/.config/incus (the CLI's own rule). */
export function cliConfigDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return env.INCUS_CONF || join(home, '.config', 'incus');
}

const remoteSchema = z.object({
  addr: z.string().optional(),
  protocol: z.string().optional(),
  auth_type: z.string().optional(),
  project: z.string().optional(),
});
const configSchema = z.object({ remotes: z.record(z.string(), z.unknown()).nullish() });

type ReadResult = { text: string } | { missing: true } | { problem: string };

async function readBounded(path: string, max: number): Promise<ReadResult> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { missing: true };
    return { problem: `cannot be read (${code ?? (err as Error).message})` };
  }
  if (buf.length > max) return { problem: `is ${buf.length} bytes, more than a file of its kind can be (${max})` };
  return { text: buf.toString('utf8') };
}

/** A PEM file that must hold one X.509 certificate: the PEM, or why not. */
function certificateIn(text: string): { pem: string; fingerprint: string } | { problem: string } {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text);
  if (!m) return { problem: 'is not a PEM certificate' };
  try {
    const pem = m[0] + '\n';
    new X509Certificate(pem);
    return { pem, fingerprint: certFingerprint(pem) };
  } catch (err) {
    return { problem: `is not a valid certificate (${(err as Error).message})` };
  }
}

export async function readCliRemotes(configDir: string | null = cliConfigDir()): Promise<CliRemotes> {
  // null: the CLI's remotes are not to be read at all (tests, a backend of a program's own).
  if (configDir === null) return { remotes: [], problem: null };
  const file = join(configDir, 'config.yml');
  const read = await readBounded(file, MAX_CONFIG_BYTES);
  // No config.yml: the CLI's defaults, which are only `local` and the image server.
  if ('missing' in read) return { remotes: [], problem: null };
  if ('problem' in read) return { remotes: [], problem: `The incus CLI's ${file} ${read.problem}.` };

  let doc: unknown;
  try {
    doc = parseYaml(read.text, { maxAliasCount: 100 });
  } catch (err) {
    return { remotes: [], problem: `The incus CLI's ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}` };
  }
  const config = configSchema.safeParse(doc ?? {});
  if (!config.success) return { remotes: [], problem: `The incus CLI's ${file} has no readable "remotes" map.` };

  const remotes: CliRemote[] = [];
  for (const [name, raw] of Object.entries(config.data.remotes ?? {})) {
    const entry = remoteSchema.safeParse(raw ?? {});
    if (!entry.success) {
      remotes.push({ name, address: '', serverCertPem: null, fingerprint: null, project: null, problem: `The remote "${name}" in ${file} is not a map of addr, protocol, auth_type, project.` });
      continue;
    }
    const { addr = '', protocol = 'incus', auth_type: authType, project } = entry.data;
    if (protocol !== 'incus') continue; // simplestreams, oci: image servers only
    if (!/^https:\/\//i.test(addr)) continue; // unix:// (the local socket) and anything not remote
    remotes.push(await cliRemote(configDir, name, addr, authType, project ?? null));
  }
  remotes.sort((a, b) => a.name.localeCompare(b.name));
  return { remotes, problem: null };
}

async function cliRemote(configDir: string, name: string, addr: string, authType: string | undefined, project: string | null): Promise<CliRemote> {
  const remote: CliRemote = { name, address: addr, serverCertPem: null, fingerprint: null, project, problem: null };
  const problems: string[] = [];
  const nameProblem = serverNameProblem(name);
  if (nameProblem) problems.push(`The CLI's remote name cannot be used in Enclave: ${nameProblem}`);
  try {
    remote.address = normaliseAddress(addr).address;
  } catch (err) {
    problems.push(`Its address in the CLI's config.yml is not usable: ${err instanceof EnclaveError ? err.message : String(err)}`);
  }
  if (authType !== undefined && authType !== 'tls') {
    problems.push(`It uses ${authType} authentication; Enclave authenticates with TLS client certificates only.`);
  }
  // The CLI's file name is the remote's name; a name with a path separator cannot be one.
  if (!/[/\\]/.test(name) && name !== '..' && name !== '.') {
    const certFile = join(configDir, 'servercerts', `${name}.crt`);
    const read = await readBounded(certFile, MAX_PEM_BYTES);
    if ('missing' in read) {
      problems.push(`There is no pinned server certificate for it (${certFile}); Enclave only talks to a server whose certificate is pinned. Add it again with \`incus remote add\`, or add it in Enclave.`);
    } else if ('problem' in read) {
      problems.push(`Its server certificate ${certFile} ${read.problem}.`);
    } else {
      const cert = certificateIn(read.text);
      if ('problem' in cert) problems.push(`Its server certificate ${certFile} ${cert.problem}.`);
      else {
        remote.serverCertPem = cert.pem;
        remote.fingerprint = cert.fingerprint;
      }
    }
  }
  remote.problem = problems.length ? problems.join(' ') : null;
  return remote;
}

export type CliIdentity = { certPem: string; keyPem: string; fingerprint: string } | { problem: string };

/** client.crt and client.key, when both are there, readable, and belong together. */
export async function readCliIdentity(configDir = cliConfigDir()): Promise<CliIdentity> {
  const crtFile = join(configDir, 'client.crt');
  const keyFile = join(configDir, 'client.key');
  const crt = await readBounded(crtFile, MAX_PEM_BYTES);
  if ('missing' in crt) return { problem: `The incus CLI has no client certificate (${crtFile}).` };
  if ('problem' in crt) return { problem: `The incus CLI's client certificate ${crtFile} ${crt.problem}.` };
  const cert = certificateIn(crt.text);
  if ('problem' in cert) return { problem: `The incus CLI's client certificate ${crtFile} ${cert.problem}.` };
  const key = await readBounded(keyFile, MAX_PEM_BYTES);
  if ('missing' in key) return { problem: `The incus CLI's client key ${keyFile} is missing.` };
  if ('problem' in key) return { problem: `The incus CLI's client key ${keyFile} ${key.problem}.` };
  try {
    const privateKey = createPrivateKey(key.text);
    if (!new X509Certificate(cert.pem).checkPrivateKey(privateKey)) {
      return { problem: `The incus CLI's client key ${keyFile} does not belong to its certificate ${crtFile}.` };
    }
  } catch {
    // Never the key's text or the parser's view of it in a message.
    return { problem: `The incus CLI's client key ${keyFile} is not a readable private key (a passphrase-protected key cannot be used).` };
  }
  return { certPem: cert.pem, keyPem: key.text, fingerprint: cert.fingerprint };
}
