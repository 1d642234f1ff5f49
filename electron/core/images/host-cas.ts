import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncusClient } from '../../incus/client.js';
import { execCommand } from '../../incus/exec.js';

/** Where Debian (and the admin of a machine behind a TLS-inspecting proxy) keeps extra CAs. */
export const HOST_CA_DIR = '/usr/local/share/ca-certificates';
/** The bundle inside the builder (and so in the image): update-ca-certificates adds it to the system store. */
export const IMAGE_CA_BUNDLE = '/usr/local/share/ca-certificates/enclave-host-cas.crt';
const PROFILE = '/etc/profile.d/enclave-host-cas.sh';
const MAX_FILES = 32;
const MAX_FILE_BYTES = 64 * 1024;
const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The extra CA certificates this computer trusts, as one PEM bundle: behind a proxy that
 * inspects TLS, a builder without them cannot reach the npm registry (npm answers
 * SELF_SIGNED_CERT_IN_CHAIN). Only certificates are taken from the files, bounded.
 */
export async function hostCaBundle(dir = HOST_CA_DIR): Promise<{ bundle: string; count: number }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.crt')).sort().slice(0, MAX_FILES);
  } catch {
    return { bundle: '', count: 0 };
  }
  const certs: string[] = [];
  for (const name of names) {
    const text = await readFile(join(dir, name)).then(
      (b) => (b.byteLength <= MAX_FILE_BYTES ? b.toString('utf8') : ''),
      () => '',
    );
    certs.push(...(text.match(PEM) ?? []));
  }
  return { bundle: certs.length ? certs.join('\n') + '\n' : '', count: certs.length };
}

/**
 * Puts the bundle into the builder where the system store (once ca-certificates is installed
 * and its trigger runs update-ca-certificates) and Node (NODE_EXTRA_CA_CERTS, for npm and the
 * CLIs, set for login shells) find it. It stays in the published image: agents made from it
 * sit behind the same proxy.
 */
export async function installCaBundle(client: IncusClient, builder: string, bundle: string): Promise<void> {
  const script =
    `mkdir -p ${HOST_CA_DIR} /etc/profile.d && cat > ${IMAGE_CA_BUNDLE} && ` +
    `printf 'export NODE_EXTRA_CA_CERTS=${IMAGE_CA_BUNDLE}\\n' > ${PROFILE}`;
  const r = await execCommand(client, builder, ['sh', '-c', script], { stdin: Buffer.from(bundle), timeoutMs: 30_000 });
  if (r.exitCode !== 0) throw new Error(`the CA certificates could not be written into the builder (exit ${r.exitCode})`);
}
