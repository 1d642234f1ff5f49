import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TelemetrySample } from '../../../shared/types.js';
import { BtrfsQuotaSource, rootSubvolume } from './btrfs-quota.js';
import { CgroupSource, cgroupName, keyed, netDevTotals, workingSet } from './cgroup-source.js';
import { ACTIVE_AFTER_WRITE_MS, DISK_ACTIVE_MS, DISK_FOCUSED_MS, DISK_OTHERS_MS, diskInterval } from './disk-cadence.js';
import { parsePrometheus, readingsFromMetrics } from './metrics-source.js';
import { cgroupLimit, limitCores, perSecond, toSample, type Reading } from './rates.js';
import { SampleRing } from './ring.js';

const reading = (over: Partial<Reading> = {}): Reading => ({
  at: 0, cpuNs: 0, memoryBytes: 100, memoryLimitBytes: null, processes: 3, processesLimit: null,
  netRxBytes: 0, netTxBytes: 0, oomKills: 0, ...over,
});
const opts = { hostCores: 2, limitCores: null, diskBytes: null, diskLimitBytes: null };

describe('rates', () => {
  it('gives zero rates on the first reading', () => {
    const s = toSample('a', null, reading({ at: 1000, cpuNs: 5e9, netRxBytes: 1e6 }), opts);
    expect(s).toMatchObject({ agent: 'a', at: 1000, cpuHostPercent: 0, cpuLimitPercent: null, netRxBytesPerSec: 0, memoryBytes: 100 });
  });
  it('turns counters into per-second rates and host / limit percentages', () => {
    const s = toSample('a', reading({ at: 0 }), reading({ at: 2000, cpuNs: 2e9, netRxBytes: 4000, netTxBytes: 1000 }), {
      ...opts,
      limitCores: 0.5,
    });
    // 2 s of CPU in 2 s = one core busy: 50% of a 2-core host, 200% of half a core.
    expect(s.cpuHostPercent).toBe(50);
    expect(s.cpuLimitPercent).toBe(200);
    expect(s.netRxBytesPerSec).toBe(2000);
    expect(s.netTxBytesPerSec).toBe(500);
  });
  it('treats a counter that went down (a restart) as a new start, not a negative rate', () => {
    const s = toSample('a', reading({ at: 0, cpuNs: 9e9, netRxBytes: 9e6 }), reading({ at: 1000, cpuNs: 1e6, netRxBytes: 10 }), opts);
    expect(s.cpuHostPercent).toBe(0);
    expect(s.netRxBytesPerSec).toBe(0);
  });
  it('does not divide by zero: same timestamp, zero host cores', () => {
    expect(perSecond(1, 5, 0)).toBe(0);
    const s = toSample('a', reading({ at: 5 }), reading({ at: 5, cpuNs: 1e9 }), { ...opts, hostCores: 0, limitCores: 0 });
    expect(s.cpuHostPercent).toBe(0);
    expect(s.cpuLimitPercent).toBeNull();
  });
  it('reads CPU limits as cores and cgroup limits as bytes or unlimited', () => {
    expect(limitCores('', 2)).toBeNull();
    expect(limitCores('1', 2)).toBe(1);
    expect(limitCores('8', 2)).toBe(2);
    expect(limitCores('50%', 2)).toBe(1);
    expect(cgroupLimit('max\n')).toBeNull();
    expect(cgroupLimit('9223372036854771712\n')).toBeNull();
    expect(cgroupLimit('268435456\n')).toBe(268435456);
    expect(cgroupLimit(null)).toBeNull();
  });
});

describe('ring', () => {
  const sample = (at: number) => ({ agent: 'a', at }) as TelemetrySample;
  it('keeps at most its capacity, newest last', () => {
    const ring = new SampleRing(5);
    for (let i = 1; i <= 12; i++) ring.push(sample(i * 1000));
    expect(ring.size).toBe(5);
    expect(ring.since(0).map((s) => s.at)).toEqual([8000, 9000, 10000, 11000, 12000]);
    expect(ring.latest()?.at).toBe(12000);
  });
  it('answers a history window in time order', () => {
    const ring = new SampleRing(3600);
    for (let i = 0; i < 100; i++) ring.push(sample(i * 1000));
    expect(ring.since(95_000).map((s) => s.at)).toEqual([95000, 96000, 97000, 98000, 99000]);
    expect(new SampleRing(3).since(0)).toEqual([]);
  });
});

describe('metrics parser', () => {
  const fixture = readFileSync(new URL('./fixtures/metrics.txt', import.meta.url), 'utf8');
  it('parses the daemon\'s Prometheus text', () => {
    const lines = parsePrometheus(fixture);
    expect(lines.length).toBeGreaterThan(30);
    expect(lines.find((l) => l.name === 'incus_procs_total')?.labels).toMatchObject({ name: 't2', project: 'scratch-tel' });
  });
  it('turns it into one reading per instance', () => {
    const r = readingsFromMetrics(fixture, 42).get('t2');
    expect(r).toBeDefined();
    expect(r?.at).toBe(42);
    expect(r?.cpuNs).toBeGreaterThan(0.5e9); // the fixture was taken after a 1 s busy loop
    expect(r?.memoryBytes).toBeGreaterThan(0);
    expect(r?.processes).toBeGreaterThan(0);
    expect(r?.netRxBytes).toBe(0); // only lo, which is left out
  });
  it('sums non-lo interfaces, reads the root filesystem, skips junk', () => {
    const text = [
      '# HELP x',
      'incus_cpu_seconds_total{cpu="0",mode="user",name="a",project="p",type="container"} 2',
      'incus_network_receive_bytes_total{device="eth0",name="a",project="p",type="container"} 1.5e+03',
      'incus_network_receive_bytes_total{device="lo",name="a",project="p",type="container"} 99',
      'incus_network_transmit_bytes_total{device="eth0",name="a",project="p",type="container"} 7',
      'incus_filesystem_size_bytes{device="/dev/x",fstype="btrfs",mountpoint="/",name="a",project="p",type="container"} 1000',
      'incus_filesystem_avail_bytes{device="/dev/x",fstype="btrfs",mountpoint="/",name="a",project="p",type="container"} 400',
      'garbage line here',
    ].join('\n');
    const r = readingsFromMetrics(text).get('a');
    expect(r).toMatchObject({ cpuNs: 2e9, netRxBytes: 1500, netTxBytes: 7, diskBytes: 600 });
    // Not in the text: unknown, not zero.
    expect(r).toMatchObject({ memoryBytes: null, processes: null, oomKills: null });
  });
  it('gives no reading for an instance without CPU figures, and keeps to the asked project', () => {
    const text = [
      'incus_procs_total{name="a",project="p",type="container"} 3',
      'incus_cpu_seconds_total{cpu="0",mode="user",name="b",project="other",type="container"} 1',
      'incus_cpu_seconds_total{cpu="0",mode="user",name="c",project="p",type="container"} 1',
    ].join('\n');
    expect([...readingsFromMetrics(text, 0, 'p').keys()]).toEqual(['c']);
  });
});

describe('cgroup files', () => {
  it('names the container cgroup as LXC does', () => {
    expect(cgroupName('default', 'x')).toBe('lxc.payload.x');
    expect(cgroupName('enclave', 'x')).toBe('lxc.payload.enclave_x');
  });
  it('reads keyed files and net/dev', () => {
    expect(keyed('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n', 'oom_kill')).toBe(3);
    expect(keyed('usage_usec 10073\nuser_usec 0\n', 'usage_usec')).toBe(10073);
    const dev = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:     500       5    0    0    0     0          0         0      500       5    0    0    0     0       0          0',
      '  eth0:    1000      10    0    0    0     0          0         0      300       3    0    0    0     0       0          0',
      '  eth1:      24       1    0    0    0     0          0         0        6       1    0    0    0     0       0          0',
    ].join('\n');
    expect(netDevTotals(dev)).toEqual({ rx: 1024, tx: 306 });
  });
});

describe('memory working set', () => {
  it('leaves out the inactive file cache the kernel reclaims first, never going below zero', () => {
    expect(workingSet(300 * 2 ** 20, 200 * 2 ** 20)).toBe(100 * 2 ** 20);
    expect(workingSet(300 * 2 ** 20, null)).toBe(300 * 2 ** 20);
    expect(workingSet(10, 20)).toBe(0);
  });
});

/** Writes `files` (path relative to root → content) into a fresh directory. */
function cgroupTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'enclave-cgroup-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('cgroup source', () => {
  const cg = 'lxc.payload.p_a';
  it('reads a v1 container: working set, OOM kills and the page cache it is writing', () => {
    const root = cgroupTree({
      [`cpuacct/${cg}/cpuacct.usage`]: '5000000\n',
      [`memory/${cg}/memory.usage_in_bytes`]: `${300 * 2 ** 20}\n`,
      [`memory/${cg}/memory.stat`]: `cache 1\ntotal_inactive_file ${100 * 2 ** 20}\ntotal_dirty ${6 * 2 ** 20}\ntotal_writeback ${2 ** 20}\n`,
      [`memory/${cg}/memory.limit_in_bytes`]: `${512 * 2 ** 20}\n`,
      [`memory/${cg}/memory.oom_control`]: 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
      [`pids/${cg}/pids.current`]: '7\n',
      [`pids/${cg}/pids.max`]: 'max\n',
      [`pids/${cg}/cgroup.procs`]: '',
    });
    try {
      const r = new CgroupSource(root).read('p', 'a', 1);
      expect(r).toMatchObject({ cpuNs: 5_000_000, memoryBytes: 200 * 2 ** 20, memoryLimitBytes: 512 * 2 ** 20, oomKills: 2, processes: 7, processesLimit: null });
      expect(r?.writingBytes).toBe(7 * 2 ** 20);
    } finally {
      rmSync(root, { recursive: true });
    }
  });
  it('reads a v2 container the same way', () => {
    const root = cgroupTree({
      [`${cg}/cpu.stat`]: 'usage_usec 5000\n',
      [`${cg}/memory.current`]: '1000\n',
      [`${cg}/memory.stat`]: 'inactive_file 400\nfile_dirty 10\nfile_writeback 5\n',
      [`${cg}/memory.max`]: 'max\n',
      [`${cg}/memory.events`]: 'oom 1\noom_kill 1\n',
      [`${cg}/pids.current`]: '3\n',
      [`${cg}/pids.max`]: '100\n',
    });
    try {
      expect(new CgroupSource(root).read('p', 'a', 1)).toMatchObject({ cpuNs: 5_000_000, memoryBytes: 600, memoryLimitBytes: null, oomKills: 1, processes: 3, processesLimit: 100, writingBytes: 15 });
      expect(new CgroupSource(root).read('p', 'gone', 1)).toBeNull();
    } finally {
      rmSync(root, { recursive: true });
    }
  });
});

describe('disk read cadence', () => {
  const idle = { focused: false, lastWriteAt: null, bytes: 2 ** 30, limitBytes: 20 * 2 ** 30, now: 100_000 };
  it('reads idle disks rarely, focused ones more often', () => {
    expect(diskInterval(idle)).toBe(DISK_OTHERS_MS);
    expect(diskInterval({ ...idle, focused: true })).toBe(DISK_FOCUSED_MS);
  });
  it('reads a disk being written every few seconds, and for a while after the writes stop', () => {
    expect(diskInterval({ ...idle, lastWriteAt: idle.now })).toBe(DISK_ACTIVE_MS);
    expect(diskInterval({ ...idle, lastWriteAt: idle.now - ACTIVE_AFTER_WRITE_MS + 1 })).toBe(DISK_ACTIVE_MS);
    expect(diskInterval({ ...idle, lastWriteAt: idle.now - ACTIVE_AFTER_WRITE_MS })).toBe(DISK_OTHERS_MS);
  });
  it('keeps watching a disk close to its quota, and ignores a missing quota', () => {
    expect(diskInterval({ ...idle, bytes: 16 * 2 ** 30 })).toBe(DISK_ACTIVE_MS);
    expect(diskInterval({ ...idle, bytes: 16 * 2 ** 30, limitBytes: null })).toBe(DISK_OTHERS_MS);
    expect(diskInterval({ ...idle, bytes: null })).toBe(DISK_OTHERS_MS);
  });
});

describe('btrfs quota source', () => {
  const mountinfo = [
    '87 46 0:44 /containers/p_a/rootfs / rw,relatime,idmapped shared:2 - btrfs /dev/loop0 rw,discard=async,space_cache=v2,subvolid=3995,subvol=/containers/p_a',
    '88 87 0:49 / /dev rw,relatime shared:3 - tmpfs none rw,size=492k,mode=755',
  ].join('\n');
  it('finds the subvolume mounted at / in a mountinfo, and nothing for other filesystems', () => {
    expect(rootSubvolume(mountinfo)).toEqual({ device: '/dev/loop0', subvolid: 3995 });
    expect(rootSubvolume('40 30 0:5 / / rw - zfs pool/containers/a rw,xattr')).toBeNull();
    expect(rootSubvolume('')).toBeNull();
  });
  it('reads referenced bytes and the limit of that subvolume\'s qgroup, on the right filesystem', async () => {
    const root = cgroupTree({
      'proc/42/mountinfo': mountinfo,
      'proc/43/mountinfo': '1 0 0:1 / / rw - ext4 /dev/vda1 rw',
      'sys/other-uuid/devices/vdb': '',
      'sys/other-uuid/qgroups/0_3995/referenced': '1\n',
      'sys/pool-uuid/devices/loop0': '',
      'sys/pool-uuid/qgroups/0_3995/referenced': '968884224\n',
      'sys/pool-uuid/qgroups/0_3995/max_referenced': '1073741824\n',
    });
    try {
      const source = new BtrfsQuotaSource(join(root, 'sys'), join(root, 'proc'));
      // Found asynchronously: unknown until then, never read on the spot.
      expect(source.read(42)).toBeUndefined();
      await Promise.all([42, 43, 44].map((pid) => source.resolve(pid)));
      expect(source.read(42)).toEqual({ bytes: 968884224, limitBytes: 1073741824 });
      expect(source.read(43)).toBeNull();
      expect(source.read(44)).toBeNull();
      writeFileSync(join(root, 'sys/pool-uuid/qgroups/0_3995/max_referenced'), '0\n');
      expect(source.read(42)).toEqual({ bytes: 968884224, limitBytes: null });
    } finally {
      rmSync(root, { recursive: true });
    }
  });
});
