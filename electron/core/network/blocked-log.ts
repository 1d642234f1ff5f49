import { EventEmitter } from 'node:events';
import { isIPv4, isIPv6 } from 'node:net';
import type { Agent, NetworkMode } from '../../../shared/types.js';
import { automatic, type ActivityLog } from '../activity/activity-log.js';
import { KmsgFollower, MAX_RECORD, type KmsgOptions } from './kmsg.js';
import { MODE_BRIDGES } from './policy-model.js';

/**
 * Blocked connections in the agents' activity logs. Incus 6.0.4 answers "Only OVN log entries
 * may be retrieved at this time" for a bridge's ACL log, but a `logged` rule makes the kernel
 * log each packet it refuses, to /dev/kmsg, with a prefix naming the network and the rule:
 *
 *   4,1654,1719599034,-;enclave-restr-egress-0 IN=enclave-restr OUT=… PHYSIN=veth… MAC=… SRC=10.97.0.2 DST=10.200.0.10 LEN=60 … PROTO=TCP SPT=46188 DPT=8080 …
 *
 * (`<network>-<egress|ingress>-<rule index>`, or `<network>-egress` for a logged default
 * action). Every field came from a packet an agent made, so lines are parsed strictly and
 * only the fields checked here reach the log, in Enclave's own words.
 */

export interface BlockedHit {
  bridge: string;
  src: string;
  dst: string;
  /** TCP, UDP, ICMP, … or "protocol N". */
  proto: string;
  /** Destination port, for protocols that have one. */
  port: number | null;
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'UDPLITE', 'SCTP', 'DCCP', 'ICMP', 'ICMPv6']);
const WITH_PORTS = new Set(['TCP', 'UDP', 'UDPLITE', 'SCTP', 'DCCP']);
const HEADER = /^([0-9]{1,3}),[0-9]{1,20},[0-9]{1,20},[^;,]{0,8}(?:,[^;]{0,32})?;/;
const PREFIX = /^([a-z0-9][a-z0-9-]{0,62})-egress(?:-[0-9]{1,5})?$/;
const FIELD = /^([A-Z]{1,12})=([0-9A-Za-z:._-]{0,64})$/;
const FLAG = /^[A-Z]{1,12}$/;
const WANTED = new Set(['IN', 'SRC', 'DST', 'PROTO', 'DPT']);

function strictIPv4(s: string): boolean {
  return isIPv4(s) && s.split('.').every((p) => p === String(Number(p)));
}

/** The packet a kmsg record says one of `bridges`' egress rules refused; null for any other record. */
export function parseBlocked(record: string, bridges: ReadonlySet<string>): BlockedHit | null {
  if (record.length > MAX_RECORD) return null;
  const head = HEADER.exec(record);
  // Facility 0 only: what userspace writes to /dev/kmsg never has it, so it cannot pose as the kernel.
  if (!head || Number(head[1]) > 7) return null;
  const message = record.slice(head[0].length).split('\n', 1)[0]!;
  const tokens = message.split(' ').filter((t) => t !== '');
  const prefix = PREFIX.exec(tokens[0] ?? '');
  if (!prefix || !bridges.has(prefix[1]!)) return null;
  const bridge = prefix[1]!;
  const fields = new Map<string, string>();
  for (const token of tokens.slice(1)) {
    const f = FIELD.exec(token);
    if (f) {
      if (WANTED.has(f[1]!) && fields.has(f[1]!)) return null;
      fields.set(f[1]!, f[2]!);
    } else if (!FLAG.test(token)) {
      return null;
    }
  }
  const src = fields.get('SRC') ?? '';
  const dst = fields.get('DST') ?? '';
  if (fields.get('IN') !== bridge) return null;
  const v4 = strictIPv4(src) && strictIPv4(dst);
  const v6 = isIPv6(src) && isIPv6(dst);
  if (!v4 && !v6) return null;
  const rawProto = fields.get('PROTO') ?? '';
  let proto: string;
  if (PROTOCOLS.has(rawProto)) proto = rawProto;
  else if (/^[0-9]{1,3}$/.test(rawProto) && Number(rawProto) <= 255) proto = `protocol ${Number(rawProto)}`;
  else return null;
  let port: number | null = null;
  if (WITH_PORTS.has(proto)) {
    const dpt = fields.get('DPT') ?? '';
    if (!/^[0-9]{1,5}$/.test(dpt) || Number(dpt) > 65_535) return null;
    port = Number(dpt);
  }
  return { bridge, src, dst, proto, port };
}

/** What an activity entry says about a hit on a bridge of `mode`. */
export function blockedText(hit: Pick<BlockedHit, 'proto' | 'dst' | 'port'>, mode: NetworkMode | null): string {
  const host = hit.dst.includes(':') ? `[${hit.dst}]` : hit.dst;
  const to = hit.port === null ? hit.dst : `${host}:${hit.port}`;
  return `blocked: ${hit.proto} to ${to}${mode ? ` (${mode})` : ''}`;
}

export interface CoalesceOptions {
  /** One entry per agent and destination per this long; also the length of the per-agent budget's window. */
  windowMs?: number;
  /** Entries per agent per window before the rest are only counted. */
  perWindow?: number;
}

/** Distinct destinations counted exactly past the budget; beyond this every packet counts. */
const MAX_COUNTED = 4096;

interface Budget {
  start: number;
  emitted: number;
  over: Set<string>;
  overflow: number;
}

export interface BlockedEntry {
  agent: string;
  text: string;
}

/**
 * Keeps a port scan from flooding the activity log: one entry per agent per destination
 * (protocol, address, port) per window, at most `perWindow` entries per agent per window, and
 * when the window ends, one "…and M more blocked connections" for what went over. Pure: the
 * caller passes the time and calls flush() now and then.
 */
export class BlockedCoalescer {
  private readonly seen = new Map<string, Map<string, number>>();
  private readonly budgets = new Map<string, Budget>();
  private readonly windowMs: number;
  private readonly perWindow: number;

  constructor(opts: CoalesceOptions = {}) {
    this.windowMs = opts.windowMs ?? 60_000;
    this.perWindow = opts.perWindow ?? 20;
  }

  /** The entries to record for a hit of `agent` at `now` (a summary of its last window may come first). */
  offer(agent: string, hit: Pick<BlockedHit, 'proto' | 'dst' | 'port'>, text: string, now: number): BlockedEntry[] {
    const out: BlockedEntry[] = [];
    this.close(agent, now, out);
    // The text names the destination and the mode: refused again under another mode is news.
    const key = text;
    let seen = this.seen.get(agent);
    if (!seen) this.seen.set(agent, (seen = new Map()));
    const last = seen.get(key);
    if (last !== undefined && now - last < this.windowMs) return out;
    let budget = this.budgets.get(agent);
    if (!budget) this.budgets.set(agent, (budget = { start: now, emitted: 0, over: new Set(), overflow: 0 }));
    if (budget.emitted < this.perWindow) {
      budget.emitted++;
      seen.set(key, now);
      out.push({ agent, text });
    } else if (budget.over.size < MAX_COUNTED || budget.over.has(key)) {
      budget.over.add(key);
    } else {
      budget.overflow++;
    }
    return out;
  }

  /** Summaries of windows that ended by `now`; forgets destinations older than a window. */
  flush(now: number): BlockedEntry[] {
    const out: BlockedEntry[] = [];
    for (const agent of [...this.budgets.keys()]) this.close(agent, now, out);
    for (const [agent, seen] of this.seen) {
      for (const [key, at] of seen) if (now - at >= this.windowMs) seen.delete(key);
      if (!seen.size) this.seen.delete(agent);
    }
    return out;
  }

  private close(agent: string, now: number, out: BlockedEntry[]): void {
    const budget = this.budgets.get(agent);
    if (!budget || now - budget.start < this.windowMs) return;
    this.budgets.delete(agent);
    const more = budget.over.size + budget.overflow;
    if (more) out.push({ agent, text: `blocked: …and ${more} more blocked connection${more === 1 ? '' : 's'}` });
  }
}

export interface BlockedLogSource {
  cached(): Agent[];
}

interface BlockedLogEvents {
  note: [string];
}

const MODE_OF = new Map(Object.entries(MODE_BRIDGES).map(([mode, bridge]) => [bridge, mode as NetworkMode]));

/**
 * Follows the kernel log (local daemon only: the log is this machine's) and writes each
 * blocked connection of one of this project's agents to its activity log, coalesced.
 * When the log cannot be read it says so once (`note`, and the 'note' event) and does nothing.
 */
export class BlockedLog extends EventEmitter<BlockedLogEvents> {
  private readonly follower: KmsgFollower;
  private readonly coalescer: BlockedCoalescer;
  private readonly bridges = new Set(Object.values(MODE_BRIDGES));
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly flushMs: number;
  private started = false;
  note: string | null = null;

  constructor(
    private readonly agents: BlockedLogSource,
    private readonly activity: Pick<ActivityLog, 'record'>,
    opts: KmsgOptions & CoalesceOptions & { flushMs?: number } = {},
  ) {
    super();
    this.coalescer = new BlockedCoalescer(opts);
    this.follower = new KmsgFollower(
      (record) => this.onRecord(record),
      (message) => this.problem(message),
      opts,
    );
    this.flushMs = opts.flushMs ?? 5_000;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.follower.start();
    this.flushTimer = setInterval(() => this.write(this.coalescer.flush(Date.now())), this.flushMs);
    this.flushTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
    await this.follower.stop();
  }

  private onRecord(record: string): void {
    const hit = parseBlocked(record, this.bridges);
    if (!hit) return;
    const agent = this.agents.cached().find((a) => a.network.address === hit.src && a.network.bridge === hit.bridge);
    if (!agent) return;
    this.write(this.coalescer.offer(agent.name, hit, blockedText(hit, MODE_OF.get(hit.bridge) ?? null), Date.now()));
  }

  private write(entries: BlockedEntry[]): void {
    for (const e of entries) this.activity.record(e.agent, 'network', e.text, automatic('network-policy'));
  }

  private problem(message: string): void {
    if (this.note) return;
    this.note = message;
    this.emit('note', message);
  }
}
