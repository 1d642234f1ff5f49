import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../../shared/types.js';
import { BtrfsQuotaSource, MOUNTINFO_MAX_BYTES } from './btrfs-quota.js';
import { TOO_BIG, readBounded } from './bounded-read.js';
import { InitPids, PID_RETRY_MS } from './init-pids.js';
import { NET_DEV_MAX_BYTES, NetCounters } from './net-counters.js';

const settle = () => new Promise((r) => setTimeout(r, 20));
const agent = (over: Partial<Agent> = {}) => ({ name: 'a', status: 'Running', lastStartedAt: '2026-01-01T00:00:00Z', ...over }) as Agent;

function netDev(interfaces: number, bytes = 1000): string {
  const head = 'Inter-|   Receive |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets\n';
  const lines = ['    lo: 5 0 0 0 0 0 0 0 5 0 0 0 0 0 0 0'];
  for (let i = 0; i < interfaces; i++) lines.push(`  eth${i}: ${bytes} 1 0 0 0 0 0 0 ${bytes * 2} 1 0 0 0 0 0 0`);
  return head + lines.join('\n') + '\n';
}

describe('per-agent /proc reads', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'enclave-proc-test-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const put = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  it('reads a file up to its bound, and no further', async () => {
    put('small', 'x'.repeat(100));
    put('big', 'x'.repeat(101));
    expect(await readBounded(join(root, 'small'), 100)).toBe('x'.repeat(100));
    expect(await readBounded(join(root, 'big'), 100)).toBe(TOO_BIG);
    expect(await readBounded(join(root, 'missing'), 100)).toBeNull();
  });

  it('counts an agent’s traffic from its net/dev, without lo, a round late', async () => {
    put('7/net/dev', netDev(2));
    const nets = new NetCounters(() => undefined, root);
    expect(nets.get('a', 7)).toEqual({ rx: 0, tx: 0 }); // read started, not waited for
    await settle();
    expect(nets.get('a', 7)).toEqual({ rx: 2000, tx: 4000 });
  });

  it('ignores a net/dev past its bound (20,000 interfaces), keeping the last counters', async () => {
    put('7/net/dev', netDev(2));
    const nets = new NetCounters(() => undefined, root);
    nets.get('a', 7);
    await settle();
    const flood = netDev(20_000);
    expect(flood.length).toBeGreaterThan(NET_DEV_MAX_BYTES);
    put('7/net/dev', flood);
    nets.get('a', 7);
    await settle();
    expect(nets.get('a', 7)).toEqual({ rx: 2000, tx: 4000 });
  });

  it('says when a pid’s file is gone', async () => {
    const gone: number[] = [];
    const nets = new NetCounters((_, pid) => gone.push(pid), root);
    nets.get('a', 99);
    await settle();
    expect(gone).toEqual([99]);
  });

  it('takes the init pid from Incus once per start, and again when it proves stale', async () => {
    const asked: string[] = [];
    let pid = 100;
    const pids = new InitPids(async (name) => {
      asked.push(name);
      return pid;
    });
    expect(pids.get(agent(), 0)).toBeNull();
    expect(pids.pending('a')).toBe(true);
    await settle();
    for (let i = 0; i < 5; i++) expect(pids.get(agent(), 1)).toBe(100);
    expect(asked).toEqual(['a']);

    // Restarted: a new start time is a new lookup.
    pid = 200;
    expect(pids.get(agent({ lastStartedAt: '2026-01-01T01:00:00Z' }))).toBeNull();
    await settle();
    expect(pids.get(agent({ lastStartedAt: '2026-01-01T01:00:00Z' }))).toBe(200);
    expect(asked).toHaveLength(2);

    // Stale (its /proc files gone): looked up again, at most every PID_RETRY_MS.
    pid = 300;
    pids.stale('a', 200);
    const now = Date.now();
    expect(pids.get(agent({ lastStartedAt: '2026-01-01T01:00:00Z' }), now)).toBeNull();
    expect(asked).toHaveLength(2);
    expect(pids.get(agent({ lastStartedAt: '2026-01-01T01:00:00Z' }), now + PID_RETRY_MS + 1)).toBeNull();
    await settle();
    expect(pids.get(agent({ lastStartedAt: '2026-01-01T01:00:00Z' }))).toBe(300);
    expect(asked).toHaveLength(3);
  });

  it('does not parse a mountinfo past its bound', async () => {
    const mount = '87 46 0:44 /containers/p_a/rootfs / rw,relatime shared:2 - btrfs /dev/loop0 rw,subvolid=3995,subvol=/containers/p_a\n';
    put('proc/42/mountinfo', mount + '88 87 0:49 / /x tmpfs rw - tmpfs none rw\n'.repeat(Math.ceil(MOUNTINFO_MAX_BYTES / 40)));
    put('sys/pool/devices/loop0', '');
    put('sys/pool/qgroups/0_3995/referenced', '5\n');
    put('proc/43/mountinfo', mount);
    const source = new BtrfsQuotaSource(join(root, 'sys'), join(root, 'proc'));
    expect(await source.resolve(42)).toBeNull();
    expect(await source.resolve(43)).toBe(join(root, 'sys/pool/qgroups/0_3995'));
  });
});
