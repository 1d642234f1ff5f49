import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { mountEntries } from './mountinfo.js';
import { btrfsSysDir } from './telemetry/btrfs-quota.js';
import { isLocalAddress } from '../incus/endpoint.js';
import type { Connection } from './connection.js';

/** A btrfs storage pool mounted on this host: where, and its block device. */
export interface PoolMount {
  pool: string;
  mountPoint: string;
  device: string;
}

/**
 * The folder a local daemon keeps its pools in, from its socket: INCUS_DIR holds the socket,
 * except that the packaged daemon's socket-activated one is in /run/incus.
 */
export function daemonDirOf(socketPath: string): string {
  return socketPath === '/run/incus/unix.socket' ? '/var/lib/incus' : dirname(socketPath);
}

/**
 * btrfs mounts of Incus storage pools (`…/storage-pools/<pool>`) in a mountinfo text; with
 * `daemonDir`, only that daemon's (another incusd on this host has pools of its own).
 */
export function btrfsPoolMounts(mountinfo: string, daemonDir?: string): PoolMount[] {
  const out: PoolMount[] = [];
  for (const m of mountEntries(mountinfo)) {
    const pool = /\/storage-pools\/([^/]+)$/.exec(m.mountPoint)?.[1];
    if (!pool || m.fsType !== 'btrfs' || out.some((p) => p.mountPoint === m.mountPoint)) continue;
    if (daemonDir !== undefined && m.mountPoint !== `${daemonDir}/storage-pools/${pool}`) continue;
    out.push({ pool, mountPoint: m.mountPoint, device: m.source });
  }
  return out;
}

/** The pools among `mounts` whose qgroup numbers the kernel marked inconsistent (quotas off: fine). */
export function inconsistentPools(mounts: PoolMount[], sysRoot = '/sys/fs/btrfs'): PoolMount[] {
  return mounts.filter((p) => {
    const fs = btrfsSysDir(p.device, sysRoot);
    try {
      return fs !== null && readFileSync(`${fs}/qgroups/inconsistent`, 'utf8').trim() === '1';
    } catch {
      return false;
    }
  });
}

export function quotaWarning(pools: PoolMount[]): string | null {
  if (!pools.length) return null;
  const names = pools.map((p) => p.pool).join(', ');
  const fix = pools.map((p) => `sudo btrfs quota rescan -w ${p.mountPoint}`).join('; ');
  return `Disk sizes on storage pool ${names} are not enforced right now: btrfs marked its quota accounting inconsistent (deleting agents can do that). Run ${fix}, or scripts/setup-incus.sh.`;
}

/**
 * Watches the btrfs pools of a local daemon for inconsistent quota accounting, under which
 * btrfs stops enforcing the agents' root disk sizes without a word. Reads two small files
 * every `intervalMs`; the connection's warning carries what it finds.
 */
export class QuotaHealth {
  private timer: NodeJS.Timeout | null = null;
  private last: string | null = null;

  constructor(
    private readonly connection: Connection,
    private readonly intervalMs = 10_000,
  ) {
    connection.on('status', (s) => {
      if (s.state === 'connected' && isLocalAddress(s.socketPath)) this.resume();
      else this.pause();
    });
  }

  /** Checks now; returns the warning (null when all is well). */
  check(): string | null {
    let mountinfo = '';
    try {
      mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
    } catch {
      // not Linux, or no procfs: nothing to say
    }
    const warning = quotaWarning(inconsistentPools(btrfsPoolMounts(mountinfo, daemonDirOf(this.connection.status.socketPath))));
    if (warning !== this.last) {
      this.last = warning;
      this.connection.setQuotaWarning(warning);
    }
    return warning;
  }

  private resume(): void {
    if (this.timer) return;
    // The timer first: check() may update the status, which calls back here.
    this.timer = setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
    this.check();
  }

  private pause(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  stop(): void {
    this.pause();
  }
}
