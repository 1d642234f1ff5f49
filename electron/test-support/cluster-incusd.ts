/**
 * Cluster-test support: a real Incus cluster of two members on this machine, each an incusd of
 * its own (own INCUS_DIR, own btrfs loop pool, 127.0.0.1 on a port of its own), the way
 * Incus's own test suite runs several daemons side by side. Verified here on Incus 6.0.4:
 * `incus cluster enable m1`, a join token from `incus cluster add m2`, and
 * `incus admin init --preseed` on the second daemon form the cluster; instances launch on
 * either member, move between them, and members evacuate and restore.
 *
 * Both members share the host's kernel, cgroup tree and network namespace with the system
 * daemon: no network is ever made on them (a bridge's name would collide with the system
 * daemon's), instances have no NIC. As for SpareIncusd, each daemon runs with HTTP(S)_PROXY on
 * a closed loopback port, so its fetch of the instance-type list fails at 127.0.0.1.
 *
 * m1 bootstraps the cluster and is its database leader; with two members m2 is a standby, so
 * killing m2 leaves the cluster answering (killing m1 would leave m2 without a database).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Endpoint, TlsIdentity } from '../incus/endpoint.js';
import { INCUSD, alive } from './incusd.js';
import { AGENT_TARBALL, SPARE_IMAGE, freePort } from './spare-incusd.js';

export const CLUSTER_POOL = 'pool';
export const CLUSTER_IMAGE = SPARE_IMAGE;
export const MEMBER_NAMES = ['m1', 'm2'] as const;
export type MemberName = (typeof MEMBER_NAMES)[number];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 180_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`));
        else resolve(stdout);
      },
    );
    child.stdin?.end(opts.input ?? '');
  });
}

/** One daemon of the cluster. */
export class MemberDaemon {
  private pid: number | null = null;

  constructor(
    readonly name: MemberName,
    readonly dir: string,
    readonly port: number,
  ) {}

  get socketPath(): string {
    return join(this.dir, 'unix.socket');
  }

  /** host:port, as core.https_address and cluster.https_address hold it. */
  get listenAddress(): string {
    return `127.0.0.1:${this.port}`;
  }

  get address(): string {
    return `https://${this.listenAddress}`;
  }

  get running(): boolean {
    return this.pid !== null;
  }

  private get env(): NodeJS.ProcessEnv {
    return { ...process.env, INCUS_DIR: this.dir, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '' };
  }

  /** The incus CLI against this member's socket. */
  incus(...args: string[]): Promise<string> {
    return run('incus', args, { env: this.env });
  }

  incusWithInput(input: string, ...args: string[]): Promise<string> {
    return run('incus', args, { env: this.env, input });
  }

  /** Starts the daemon detached and waits until it answers (a member that was in the cluster rejoins it). */
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
    await this.incus('admin', 'waitready', '--timeout=90');
  }

  /** SIGKILL: the daemon dies at once, its containers keep running. */
  async kill(): Promise<void> {
    const pid = this.pid;
    if (pid === null) return;
    process.kill(pid, 'SIGKILL');
    await this.waitGone(pid, 30_000, false);
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** SIGSTOP: the daemon stays, holds its sockets open and answers nothing (a stalled member). */
  pause(): void {
    if (this.pid !== null) process.kill(this.pid, 'SIGSTOP');
  }

  resume(): void {
    if (this.pid !== null) process.kill(this.pid, 'SIGCONT');
  }

  /** SIGTERM (core.shutdown_timeout is 0 by then), SIGKILL if it lingers. */
  async stop(): Promise<void> {
    const pid = this.pid;
    if (pid === null) return;
    process.kill(pid, 'SIGCONT');
    process.kill(pid, 'SIGTERM');
    await this.waitGone(pid, 30_000, true);
  }

  private async waitGone(pid: number, ms: number, killAfter: boolean): Promise<void> {
    const deadline = Date.now() + ms;
    while (await alive(pid)) {
      if (Date.now() > deadline) {
        if (!killAfter) throw new Error(`incusd ${this.name} (pid ${pid}) survived SIGKILL`);
        process.kill(pid, 'SIGKILL');
        killAfter = false;
      }
      await sleep(50);
    }
    this.pid = null;
  }
}

export class ClusterIncusd {
  private constructor(readonly members: readonly [MemberDaemon, MemberDaemon]) {}

  /** The bootstrap member (database leader): the one to talk to. */
  get m1(): MemberDaemon {
    return this.members[0];
  }

  get m2(): MemberDaemon {
    return this.members[1];
  }

  member(name: MemberName): MemberDaemon {
    const m = this.members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    return m;
  }

  /**
   * Two daemons formed into a cluster, a btrfs pool of `poolSize` on each (one loop file per
   * member, the pool's per-member `size`/`source`), the agent image, the default profile with
   * its root disk on the pool and no NIC. `offlineThresholdSec` (Incus's minimum is 11) is how
   * long a silent member takes to be marked offline.
   */
  static async create(opts: { poolSize?: string; offlineThresholdSec?: number } = {}): Promise<ClusterIncusd> {
    const poolSize = opts.poolSize ?? '2GiB';
    const dirs = [await mkdtemp('/var/lib/enclave-cluster-'), await mkdtemp('/var/lib/enclave-cluster-')];
    const ports = [await freePort(), await freePort()];
    const cluster = new ClusterIncusd([new MemberDaemon('m1', dirs[0]!, ports[0]!), new MemberDaemon('m2', dirs[1]!, ports[1]!)]);
    const { m1, m2 } = cluster;
    try {
      await Promise.all([m1.start(), m2.start()]);
      await m1.incus('config', 'set', 'core.https_address', m1.listenAddress);
      await m1.incus('config', 'set', 'cluster.https_address', m1.listenAddress);
      await m1.incus('storage', 'create', CLUSTER_POOL, 'btrfs', `size=${poolSize}`);
      await m1.incus('profile', 'device', 'add', 'default', 'root', 'disk', 'path=/', `pool=${CLUSTER_POOL}`);
      await m1.incus('cluster', 'enable', m1.name);
      if (opts.offlineThresholdSec !== undefined) {
        await m1.incus('config', 'set', 'cluster.offline_threshold', String(opts.offlineThresholdSec));
      }
      const token = (await m1.incus('cluster', 'add', m2.name, '--quiet')).trim();
      await m2.incus('config', 'set', 'core.https_address', m2.listenAddress);
      // The pool's source (the loop file) defaults to the joining member's own INCUS_DIR/disks.
      const preseed = [
        'cluster:',
        '  enabled: true',
        `  server_name: ${m2.name}`,
        `  server_address: ${m2.listenAddress}`,
        `  cluster_token: ${token}`,
        '  member_config:',
        '  - entity: storage-pool',
        `    name: ${CLUSTER_POOL}`,
        '    key: size',
        `    value: ${poolSize}`,
        '',
      ].join('\n');
      await m2.incusWithInput(preseed, 'admin', 'init', '--preseed');
      await m1.incus('image', 'import', AGENT_TARBALL, '--alias', CLUSTER_IMAGE);
    } catch (err) {
      await cluster.destroy().catch(() => undefined);
      throw err;
    }
    return cluster;
  }

  /** The cluster's certificate: every member serves it on its https address. */
  clusterCertPem(): Promise<string> {
    return readFile(join(this.m1.dir, 'cluster.crt'), 'utf8');
  }

  /** A pinned HTTPS endpoint to `member` for the client identity `client` (trust it first). */
  async endpoint(client: TlsIdentity, member: MemberName = 'm1'): Promise<Extract<Endpoint, { kind: 'https' }>> {
    const m = this.member(member);
    return { kind: 'https', host: '127.0.0.1', port: m.port, serverCertPem: await this.clusterCertPem(), client };
  }

  /** Trusts a client certificate cluster-wide (the trust store is in the cluster's database). */
  async trustCertificate(certPem: string, name = 'enclave-test'): Promise<void> {
    const file = join(this.m1.dir, `trust-${name}.crt`);
    await writeFile(file, certPem);
    await this.m1.incus('config', 'trust', 'add-certificate', file, '--name', name);
  }

  /** The incus CLI against m1. */
  incus(...args: string[]): Promise<string> {
    return this.m1.incus(...args);
  }

  start(name: MemberName): Promise<void> {
    return this.member(name).start();
  }

  kill(name: MemberName): Promise<void> {
    return this.member(name).kill();
  }

  restart(name: MemberName): Promise<void> {
    return this.member(name).restart();
  }

  /**
   * Deletes every instance, image and project, the pool, stops both daemons, unmounts and
   * detaches what they left and removes their folders; every step runs whatever the one
   * before did.
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
    const { m1, m2 } = this;
    // A killed member must be back for its instances and its part of the pool to be deleted.
    for (const m of this.members) await step(() => m.start());
    if (m1.running) {
      await step(async () => {
        const projects = JSON.parse(await m1.incus('project', 'list', '--format=json')) as { name: string }[];
        for (const { name } of projects) {
          const instances = JSON.parse(await m1.incus('list', '--project', name, '--format=json')) as { name: string }[];
          for (const inst of instances) await step(() => m1.incus('delete', '--force', '--project', name, inst.name));
          if (name === 'default') continue;
          const profiles = JSON.parse(await m1.incus('profile', 'list', '--project', name, '--format=json')) as { name: string }[];
          for (const p of profiles) if (p.name !== 'default') await step(() => m1.incus('profile', 'delete', '--project', name, p.name));
          await step(() => m1.incus('project', 'delete', name));
        }
      });
      await step(async () => {
        const images = JSON.parse(await m1.incus('image', 'list', '--format=json')) as { fingerprint: string }[];
        for (const img of images) await step(() => m1.incus('image', 'delete', img.fingerprint));
      });
      await step(() => m1.incus('profile', 'device', 'remove', 'default', 'root'));
      await step(() => m1.incus('storage', 'delete', CLUSTER_POOL));
      await step(() => m1.incus('config', 'set', 'core.shutdown_timeout', '0'));
    }
    // The standby first, so the leader never waits on a member that is leaving.
    await step(() => m2.stop());
    await step(() => m1.stop());
    for (const m of this.members) {
      await step(async () => {
        const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
          .split('\n')
          .map((l) => l.split(' ')[4] ?? '')
          .filter((p) => p === m.dir || p.startsWith(m.dir + '/'))
          .sort((a, b) => b.length - a.length);
        for (const p of mounts) await step(() => run('umount', ['-l', p]));
      });
      await step(async () => {
        const loops = (await run('losetup', ['-n', '-O', 'NAME,BACK-FILE', '--list']).catch(() => ''))
          .split('\n')
          .map((l) => l.trim().split(/\s+/))
          .filter(([, file]) => file !== undefined && file.startsWith(m.dir + '/'));
        for (const [dev] of loops) if (dev) await step(() => run('losetup', ['-d', dev]));
      });
      await step(() => rm(m.dir, { recursive: true, force: true }));
    }
    if (errors.length) throw new AggregateError(errors, `cleaning up the test cluster in ${m1.dir} and ${m2.dir}`);
  }
}
