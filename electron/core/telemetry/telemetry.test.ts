import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TelemetrySample } from '../../../shared/types.js';
import { cgroupName, keyed, netDevTotals, workingSet } from './cgroup-source.js';
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
      'incus_network_receive_bytes_total{device="eth0",name="a",project="p",type="container"} 1.5e+03',
      'incus_network_receive_bytes_total{device="lo",name="a",project="p",type="container"} 99',
      'incus_network_transmit_bytes_total{device="eth0",name="a",project="p",type="container"} 7',
      'incus_filesystem_size_bytes{device="/dev/x",fstype="btrfs",mountpoint="/",name="a",project="p",type="container"} 1000',
      'incus_filesystem_avail_bytes{device="/dev/x",fstype="btrfs",mountpoint="/",name="a",project="p",type="container"} 400',
      'garbage line here',
    ].join('\n');
    const r = readingsFromMetrics(text).get('a');
    expect(r).toMatchObject({ netRxBytes: 1500, netTxBytes: 7, diskBytes: 600 });
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
