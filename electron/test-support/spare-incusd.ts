/**
 * Fault-test support: a second Incus daemon of the tests' own, to SIGKILL and restart without
 * touching the machine's daemon (which other tests and programs use at the same time).
 *
 * It has its own INCUS_DIR (a fresh /var/lib/enclave-faults-XXXX), its own small btrfs pool on
 * a loop file inside that folder, and the agent image imported from the cache tarball
 * scripts/setup-incus.sh writes. It shares the host's kernel, lxcfs, cgroup tree and network
 * namespace with the system daemon, as Incus's own test suite runs many daemons side by side:
 * containers get cgroups named after project and instance (the tests' project is of their
 * own), and no network is ever made on it — agents there use network mode `none`, and the
 * Backend is told not to create Enclave's bridges (whose names the system daemon's bridges
 * already have in this shared namespace).
 *
 * The daemon fetches a list of instance types from the internet when it starts; it is started
 * with HTTP(S)_PROXY set to a closed loopback port, so that request fails at 127.0.0.1 without
 * a DNS lookup of an outside name.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { INCUSD } from './incusd.js';
import { IncusdProcess, cleanupSteps, emptyIncusd, releaseIncusdDir, runCommand } from './incusd-process.js';

/** The agent image's tarball (scripts/setup-incus.sh builds it). */
export const AGENT_TARBALL = process.env.ENCLAVE_AGENT_TARBALL || '/var/cache/enclave/enclave-agent-v3.tar.gz';
export const SPARE_POOL = 'faults';
export const SPARE_IMAGE = 'enclave-agent';

/** Why the spare daemon cannot run here, or null when it can. */
export function spareIncusdSkipReason(): string | null {
  if (process.env.ENCLAVE_SKIP_FAULTS) return 'ENCLAVE_SKIP_FAULTS is set';
  if (process.getuid?.() !== 0) return 'a second incusd needs root';
  if (!existsSync(INCUSD)) return `no ${INCUSD}`;
  if (!existsSync(AGENT_TARBALL)) return `no agent image tarball at ${AGENT_TARBALL} (run scripts/setup-incus.sh)`;
  return null;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A throwaway client certificate and key (ECDSA P-384, as incus makes), made with openssl in `dir`. */
export async function testClientIdentity(dir: string, name = 'enclave-test'): Promise<{ certPem: string; keyPem: string }> {
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  await runCommand('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1', '-nodes', '-days', '30', '-subj', `/CN=${name}`, '-keyout', key, '-out', crt]);
  return { certPem: await readFile(crt, 'utf8'), keyPem: await readFile(key, 'utf8') };
}

export class SpareIncusd extends IncusdProcess {
  /** Set once listenHttps ran; kept across restarts (Incus stores it in its config). */
  httpsPort: number | null = null;

  private constructor(dir: string) {
    super(dir, { label: 'spare incusd', readyTimeoutSec: 60, cliTimeoutMs: 120_000 });
  }

  /** A fresh daemon with a pool of `poolSize` (e.g. '2GiB') and the agent image. */
  static async create(opts: { poolSize?: string } = {}): Promise<SpareIncusd> {
    const daemon = new SpareIncusd(await mkdtemp('/var/lib/enclave-faults-'));
    try {
      await daemon.start();
      await daemon.incus('storage', 'create', SPARE_POOL, 'btrfs', `size=${opts.poolSize ?? '3GiB'}`);
      await daemon.incus('profile', 'device', 'add', 'default', 'root', 'disk', 'path=/', `pool=${SPARE_POOL}`);
      await daemon.incus('image', 'import', AGENT_TARBALL, '--alias', SPARE_IMAGE);
    } catch (err) {
      await daemon.destroy().catch(() => undefined);
      throw err;
    }
    return daemon;
  }

  /** Listens on https://127.0.0.1:PORT (a free port unless given); returns the address and the server's certificate. */
  async listenHttps(port?: number): Promise<{ address: string; host: string; port: number; serverCertPem: string }> {
    const p = port ?? (await freePort());
    await this.incus('config', 'set', 'core.https_address', `127.0.0.1:${p}`);
    this.httpsPort = p;
    return { address: `https://127.0.0.1:${p}`, host: '127.0.0.1', port: p, serverCertPem: await this.serverCertPem() };
  }

  serverCertPem(): Promise<string> {
    return readFile(join(this.dir, 'server.crt'), 'utf8');
  }

  /** Trusts a client certificate (as `incus config trust add-certificate`). */
  async trustCertificate(certPem: string, name = 'enclave-test'): Promise<void> {
    const file = join(this.dir, `trust-${name}.crt`);
    await writeFile(file, certPem);
    await this.incus('config', 'trust', 'add-certificate', file, '--name', name);
  }

  /** A trust token for a new client named `name` (as `incus config trust add NAME`). */
  async trustToken(name: string): Promise<string> {
    return (await this.incus('config', 'trust', 'add', name, '--quiet')).trim();
  }

  /**
   * Deletes everything in it, stops it, unmounts and detaches what it left, removes its folder;
   * every step runs whatever the one before did.
   */
  async destroy(): Promise<void> {
    const { step, errors } = cleanupSteps();
    await step(() => this.start());
    if (this.running) {
      await emptyIncusd((...args) => this.incus(...args), SPARE_POOL, step);
      await step(() => this.stop());
    }
    await releaseIncusdDir(this.dir, step);
    if (errors.length) throw new AggregateError(errors, `cleaning up the spare incusd in ${this.dir}`);
  }
}
