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
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Endpoint, TlsIdentity } from '../incus/endpoint.js';
import { IncusdProcess, cleanupSteps, emptyIncusd, releaseIncusdDir } from './incusd-process.js';
import { AGENT_TARBALL, SPARE_IMAGE, freePort } from './spare-incusd.js';

export const CLUSTER_POOL = 'pool';
export const CLUSTER_IMAGE = SPARE_IMAGE;
export const MEMBER_NAMES = ['m1', 'm2'] as const;
export type MemberName = (typeof MEMBER_NAMES)[number];

/** One daemon of the cluster. */
export class MemberDaemon extends IncusdProcess {
  constructor(
    readonly name: MemberName,
    dir: string,
    readonly port: number,
  ) {
    super(dir, { label: `incusd ${name}`, readyTimeoutSec: 90, cliTimeoutMs: 180_000 });
  }

  /** host:port, as core.https_address and cluster.https_address hold it. */
  get listenAddress(): string {
    return `127.0.0.1:${this.port}`;
  }

  get address(): string {
    return `https://${this.listenAddress}`;
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
    const { step, errors } = cleanupSteps();
    const { m1, m2 } = this;
    // A killed member must be back for its instances and its part of the pool to be deleted.
    for (const m of this.members) await step(() => m.start());
    if (m1.running) await emptyIncusd((...args) => m1.incus(...args), CLUSTER_POOL, step);
    // The standby first, so the leader never waits on a member that is leaving.
    await step(() => m2.stop());
    await step(() => m1.stop());
    for (const m of this.members) await releaseIncusdDir(m.dir, step);
    if (errors.length) throw new AggregateError(errors, `cleaning up the test cluster in ${m1.dir} and ${m2.dir}`);
  }
}
