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
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { INCUSD, alive } from './incusd.js';

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    child.stdin?.end();
  });
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
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1', '-nodes', '-days', '30', '-subj', `/CN=${name}`, '-keyout', key, '-out', crt]);
  return { certPem: await readFile(crt, 'utf8'), keyPem: await readFile(key, 'utf8') };
}

export class SpareIncusd {
  private pid: number | null = null;
  /** Set once listenHttps ran; kept across restarts (Incus stores it in its config). */
  httpsPort: number | null = null;

  private constructor(readonly dir: string) {}

  get socketPath(): string {
    return join(this.dir, 'unix.socket');
  }

  private get env(): NodeJS.ProcessEnv {
    return { ...process.env, INCUS_DIR: this.dir, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' };
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

  /** The incus CLI against this daemon. */
  incus(...args: string[]): Promise<string> {
    return run('incus', args, this.env);
  }

  get running(): boolean {
    return this.pid !== null;
  }

  /** Starts the daemon (detached, like a service manager would) and waits until it answers. */
  async start(): Promise<void> {
    if (this.pid !== null && (await alive(this.pid))) return;
    const child = spawn(INCUSD, ['--group', 'root', '--logfile', join(this.dir, 'incusd.log')], {
      env: this.env,
      detached: true,
      stdio: 'ignore',
    });
    child.unref();
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    this.pid = child.pid ?? null;
    await this.incus('admin', 'waitready', '--timeout=60');
  }

  /** SIGKILL: the daemon dies at once, its containers keep running. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (pid === null) return;
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    while (await alive(pid)) {
      if (Date.now() > deadline) throw new Error(`spare incusd (pid ${pid}) survived SIGKILL`);
      await sleep(20);
    }
    this.pid = null;
  }

  /** SIGKILL, then start again. */
  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /**
   * Deletes everything in it, stops it, unmounts and detaches what it left, removes its folder;
   * every step runs whatever the one before did.
   */
  async destroy(): Promise<void> {
    const errors: unknown[] = [];
    const step = async (what: () => Promise<unknown>) => {
      try {
        await what();
      } catch (err) {
        errors.push(err);
      }
    };
    await step(() => this.start());
    if (this.pid !== null) {
      await step(async () => {
        const projects = JSON.parse(await this.incus('project', 'list', '--format=json')) as { name: string }[];
        for (const { name } of projects) {
          const instances = JSON.parse(await this.incus('list', '--project', name, '--format=json')) as { name: string }[];
          for (const inst of instances) await step(() => this.incus('delete', '--force', '--project', name, inst.name));
          if (name === 'default') continue;
          const profiles = JSON.parse(await this.incus('profile', 'list', '--project', name, '--format=json')) as { name: string }[];
          for (const p of profiles) if (p.name !== 'default') await step(() => this.incus('profile', 'delete', '--project', name, p.name));
          await step(() => this.incus('project', 'delete', name));
        }
      });
      await step(async () => {
        const images = JSON.parse(await this.incus('image', 'list', '--format=json')) as { fingerprint: string }[];
        for (const img of images) await step(() => this.incus('image', 'delete', img.fingerprint));
      });
      await step(() => this.incus('profile', 'device', 'remove', 'default', 'root'));
      await step(() => this.incus('storage', 'delete', SPARE_POOL));
      await step(() => this.incus('config', 'set', 'core.shutdown_timeout', '0'));
      const pid = this.pid;
      await step(async () => {
        process.kill(pid, 'SIGTERM');
        const deadline = Date.now() + 30_000;
        while (await alive(pid)) {
          if (Date.now() > deadline) {
            process.kill(pid, 'SIGKILL');
            break;
          }
          await sleep(50);
        }
        this.pid = null;
      });
    }
    // Whatever is still mounted below the folder (shmounts, guestapi, a pool that could not be
    // deleted), deepest first, then the loop devices backing files in it.
    await step(async () => {
      const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
        .split('\n')
        .map((l) => l.split(' ')[4] ?? '')
        .filter((m) => m === this.dir || m.startsWith(this.dir + '/'))
        .sort((a, b) => b.length - a.length);
      for (const m of mounts) await step(() => run('umount', ['-l', m]));
    });
    await step(async () => {
      const loops = (await run('losetup', ['-n', '-O', 'NAME,BACK-FILE', '--list']).catch(() => ''))
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter(([, file]) => file !== undefined && file.startsWith(this.dir + '/'));
      for (const [dev] of loops) if (dev) await step(() => run('losetup', ['-d', dev]));
    });
    await step(() => rm(this.dir, { recursive: true, force: true }));
    if (errors.length) throw new AggregateError(errors, `cleaning up the spare incusd in ${this.dir}`);
  }
}
