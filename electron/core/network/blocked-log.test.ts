import { describe, expect, it } from 'vitest';
import type { ActivityActor, ActivityEntry, ActivityKind } from '../../../shared/types.js';
import { agentFixture } from '../../../shared/test-fixtures.js';
import { BlockedCoalescer, BlockedLog, blockedText, parseBlocked } from './blocked-log.js';

const BRIDGES = new Set(['enclave-restr', 'enclave-allow', 'enclave-open']);
// Lines as Incus 6.0.4's logged rules make the kernel write them to /dev/kmsg on this host.
const TCP =
  '4,1654,1719599034,-;enclave-restr-egress-0 IN=enclave-restr OUT=i8t-8a98bb PHYSIN=veth8b8dc184 MAC=10:66:6a:13:3c:2f:10:66:6a:54:a0:4c:08:00 SRC=10.97.0.2 DST=10.200.0.10 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=37602 DF PROTO=TCP SPT=46188 DPT=8080 WINDOW=64240 RES=0x00 SYN URGP=0 \n';
const ICMP =
  '4,1700,1800000000,-;enclave-open-egress-0 IN=enclave-open OUT= PHYSIN=veth1 MAC=10:66:6a:13:3c:2f:10:66:6a:54:a0:4c:08:00 SRC=10.97.2.5 DST=10.97.2.9 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1 \n';

describe('parseBlocked', () => {
  it('reads the bridge, source, destination, protocol and port of a kernel line', () => {
    expect(parseBlocked(TCP, BRIDGES)).toEqual({ bridge: 'enclave-restr', src: '10.97.0.2', dst: '10.200.0.10', proto: 'TCP', port: 8080 });
  });

  it('has no port for ICMP, and takes a logged default action (no rule index)', () => {
    expect(parseBlocked(ICMP, BRIDGES)).toMatchObject({ proto: 'ICMP', port: null, dst: '10.97.2.9' });
    const dflt = TCP.replace('enclave-restr-egress-0 IN=enclave-restr', 'enclave-allow-egress IN=enclave-allow');
    expect(parseBlocked(dflt, BRIDGES)).toMatchObject({ bridge: 'enclave-allow', port: 8080 });
  });

  it('ignores networks that are not Enclave bridges, and ingress rules', () => {
    expect(parseBlocked(TCP.replaceAll('enclave-restr', 'i8n-probe'), BRIDGES)).toBeNull();
    expect(parseBlocked(TCP.replace('enclave-restr-egress-0', 'enclave-restr-ingress-0'), BRIDGES)).toBeNull();
    expect(parseBlocked(TCP.replace('enclave-restr-egress-0', 'xenclave-restr-egress-0'), BRIDGES)).toBeNull();
  });

  it('needs the packet to have come in from the bridge the prefix names', () => {
    expect(parseBlocked(TCP.replace('IN=enclave-restr', 'IN=enclave-open'), BRIDGES)).toBeNull();
    expect(parseBlocked(TCP.replace('IN=enclave-restr ', ''), BRIDGES)).toBeNull();
  });

  it('refuses what userspace writes to /dev/kmsg (never facility 0) and other kernel lines', () => {
    expect(parseBlocked(TCP.replace(/^4,/, '12,'), BRIDGES)).toBeNull();
    expect(parseBlocked('6,1,1,-;eth0: link up\n', BRIDGES)).toBeNull();
    expect(parseBlocked(TCP.slice(TCP.indexOf(';') + 1), BRIDGES)).toBeNull();
  });

  it('parses strictly: a token it does not know, a bad address or port drops the line', () => {
    expect(parseBlocked(TCP.replace('DF ', 'DF <script> '), BRIDGES)).toBeNull();
    expect(parseBlocked(TCP.replace('DF ', 'DF [SRC=1.2.3.4 '), BRIDGES)).toBeNull();
    expect(parseBlocked(TCP.replace('DST=10.200.0.10', 'DST=10.200.0.010'), BRIDGES)).toBeNull();
    expect(parseBlocked(TCP.replace('DST=10.200.0.10', 'DST=10.200.0.256'), BRIDGES)).toBeNull();
    expect(parseBlocked(TCP.replace('DPT=8080', 'DPT=65536'), BRIDGES)).toBeNull();
    expect(parseBlocked(TCP.replace('DPT=8080 ', ''), BRIDGES)).toBeNull();
    expect(parseBlocked(TCP.replace('PROTO=TCP', 'PROTO=EVIL'), BRIDGES)).toBeNull();
    expect(parseBlocked(TCP.replace('SPT=46188', 'SRC=10.97.0.3'), BRIDGES)).toBeNull();
    expect(parseBlocked(TCP.replace('URGP=0', `URGP=${'0'.repeat(3000)}`), BRIDGES)).toBeNull();
  });

  it('names an unknown protocol by number, and reads only the first line of a record', () => {
    expect(parseBlocked(TCP.replace('PROTO=TCP', 'PROTO=47'), BRIDGES)).toMatchObject({ proto: 'protocol 47', port: null });
    expect(parseBlocked(`${TCP} SUBSYSTEM=net\n DEVICE=+net:x\n`, BRIDGES)).toMatchObject({ port: 8080 });
  });
});

describe('blockedText', () => {
  it('says protocol, destination and mode', () => {
    expect(blockedText({ proto: 'TCP', dst: '10.1.2.3', port: 443 }, 'restricted')).toBe('blocked: TCP to 10.1.2.3:443 (restricted)');
    expect(blockedText({ proto: 'ICMP', dst: '10.1.2.3', port: null }, 'open')).toBe('blocked: ICMP to 10.1.2.3 (open)');
    expect(blockedText({ proto: 'UDP', dst: 'fd00::1', port: 53 }, 'restricted')).toBe('blocked: UDP to [fd00::1]:53 (restricted)');
  });
});

describe('BlockedCoalescer', () => {
  const hit = (port: number, dst = '10.1.2.3') => ({ proto: 'TCP', dst, port });
  const texts = (es: { text: string }[]) => es.map((e) => e.text);

  it('writes one entry per destination per window; the same one again after it', () => {
    const c = new BlockedCoalescer({ windowMs: 60_000, perWindow: 20 });
    expect(texts(c.offer('a', hit(443), 'x443', 0))).toEqual(['x443']);
    expect(c.offer('a', hit(443), 'x443', 1_000)).toEqual([]);
    expect(c.offer('a', hit(443), 'x443', 59_999)).toEqual([]);
    expect(texts(c.offer('a', hit(443), 'x443', 60_000))).toEqual(['x443']);
    // Another port, address or agent is another destination.
    expect(texts(c.offer('a', hit(80), 'x80', 60_001))).toEqual(['x80']);
    expect(texts(c.offer('a', hit(443, '10.1.2.4'), 'y', 60_002))).toEqual(['y']);
    expect(texts(c.offer('b', hit(443), 'b443', 60_003))).toEqual(['b443']);
    // The same destination refused under another mode (the agent's policy changed) is news.
    expect(texts(c.offer('a', hit(443), 'x443 (allowlist)', 60_004))).toEqual(['x443 (allowlist)']);
  });

  it('caps a port scan at perWindow entries per agent, then one summary when the window ends', () => {
    const c = new BlockedCoalescer({ windowMs: 60_000, perWindow: 20 });
    const written: string[] = [];
    for (let port = 1; port <= 1000; port++) {
      written.push(...texts(c.offer('a', hit(port), `p${port}`, port)));
      written.push(...texts(c.offer('a', hit(port), `p${port}`, port))); // a retransmission
    }
    expect(written).toHaveLength(20);
    expect(written[19]).toBe('p20');
    // Another agent has its own budget.
    expect(texts(c.offer('b', hit(1), 'b1', 2_000))).toEqual(['b1']);
    expect(c.flush(59_000)).toEqual([]);
    expect(c.flush(60_001)).toEqual([{ agent: 'a', text: 'blocked: …and 980 more blocked connections' }]);
    expect(c.flush(120_000)).toEqual([]);
  });

  it('writes the summary before the first entry of the next window when no flush came between', () => {
    const c = new BlockedCoalescer({ windowMs: 60_000, perWindow: 1 });
    c.offer('a', hit(1), 'p1', 0);
    c.offer('a', hit(2), 'p2', 10);
    expect(texts(c.offer('a', hit(3), 'p3', 60_000))).toEqual(['blocked: …and 1 more blocked connection', 'p3']);
  });

  it('forgets destinations and windows that are over', () => {
    const c = new BlockedCoalescer({ windowMs: 60_000, perWindow: 20 });
    for (let i = 0; i < 50; i++) c.offer(`agent${i}`, hit(443), 't', 0);
    c.flush(60_000);
    const internals = c as unknown as { seen: Map<string, unknown>; budgets: Map<string, unknown> };
    expect(internals.seen.size).toBe(0);
    expect(internals.budgets.size).toBe(0);
  });
});

describe('BlockedLog', () => {
  it('says once that it cannot read the kernel log, records nothing, and stops', async () => {
    const recorded: string[] = [];
    const record = (agent: string, kind: ActivityKind, message: string, actor: ActivityActor): ActivityEntry => {
      recorded.push(message);
      return { id: String(recorded.length), agent, at: 0, kind, message, actor };
    };
    const log = new BlockedLog({ cached: () => [] }, { record }, { path: '/nonexistent/kmsg' });
    const notes: string[] = [];
    log.on('note', (n) => notes.push(n));
    log.start();
    log.start();
    await new Promise((r) => setTimeout(r, 50));
    await log.stop();
    expect(notes).toHaveLength(1);
    expect(log.note).toMatch(/Blocked connections are not shown .*\/nonexistent\/kmsg \(ENOENT\)/);
    expect(recorded).toEqual([]);
  });

  it("writes a blocked connection to the agent's log as Enclave's automatic entry, never as the user's", () => {
    const recorded: { agent: string; actor: ActivityActor }[] = [];
    const record = (agent: string, kind: ActivityKind, message: string, actor: ActivityActor): ActivityEntry => {
      recorded.push({ agent, actor });
      return { id: String(recorded.length), agent, at: 0, kind, message, actor };
    };
    const worker = agentFixture('worker', { network: { policy: { mode: 'restricted', allow: [], ingress: '', egress: '' }, bridge: 'enclave-restr', address: '10.97.0.2' } });
    const log = new BlockedLog({ cached: () => [worker] }, { record }, { path: '/nonexistent/kmsg' });
    // The follower's callback, as a line read from /dev/kmsg reaches it.
    (log as unknown as { onRecord(record: string): void }).onRecord(TCP);
    expect(recorded).toEqual([{ agent: 'worker', actor: { kind: 'automatic', by: 'network-policy' } }]);
  });
});
