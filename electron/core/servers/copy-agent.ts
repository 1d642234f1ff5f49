/**
 * Copies an agent to another server: a stateless copy of the instance without its snapshots,
 * through Incus's migration API in relay mode. Neither pull (the target dials the source) nor
 * push (the source dials the target) works when one side is the local daemon, which has no
 * HTTPS listener; so Enclave opens the source's migration websockets and the target's, and
 * passes every frame between them (electron/incus/ws-relay.ts), as `incus copy --mode relay`.
 *
 * The copy is marked (user.enclave.copying) until the transfer succeeded. On any failure both
 * operations are ended, and the target's half-made instance is deleted when it bears this
 * copy's mark; a target that died meanwhile keeps it, and removeUnfinishedCopies deletes it
 * when the server answers again. The source instance is never changed.
 */
import { randomBytes } from 'node:crypto';
import { EnclaveError } from '../../../shared/errors.js';
import { answers } from '../../incus/answers.js';
import type { IncusClient } from '../../incus/client.js';
import { IncusError, IncusUnreachableError } from '../../incus/errors.js';
import { deleteInstance, listInstances, type Instance } from '../../incus/instances.js';
import { operationSocket } from '../../incus/operation-socket.js';
import { cancelOperation, waitOperation } from '../../incus/operations.js';
import { relay, type Relay } from '../../incus/ws-relay.js';
import { COPYING_KEY, planCopy, poolsToCheck, type CopySpec, type LeftOutDevice, type SourceInstance, type TargetFacts } from './copy-plan.js';
import { startMigrationSource, startMigrationTarget, type MigrationEnd } from './migration-ops.js';

export { COPYING_KEY, type LeftOutDevice } from './copy-plan.js';

export interface CopyProgress {
  stage: 'checking' | 'transferring' | 'finishing' | 'cleaning-up';
  /** Bytes of the filesystem stream passed on so far. */
  bytes: number;
  /** What happens, in Enclave's words. */
  detail: string;
}

export interface CopyAgentOptions {
  /** Server names for messages; the clients' addresses by default. */
  fromLabel?: string;
  toLabel?: string;
  /** Cancels the copy (the target's half-made instance is deleted). */
  signal?: AbortSignal;
  /** ms without a frame on any of the copy's websockets before it is given up; 120 s by default. */
  stallMs?: number;
  /** More config for the copy (e.g. user.enclave.copied-from). */
  extraConfig?: Record<string, string>;
}

export interface AgentCopy {
  /** The copy as the target has it: stopped, eth0 `type: none`, the source's user.enclave.* keys. */
  instance: Instance;
  /** The source's devices the copy does not have (its NICs, host-path disks, volumes, host devices). */
  leftOut: LeftOutDevice[];
  /** Anything else changed on the way (a root disk on another pool). */
  notes: string[];
  /** The storage pool the copy's root disk is on. */
  pool: string;
}

export const DEFAULT_STALL_MS = 120_000;
/** The largest single frame passed on (Incus writes filesystem streams in 32 KiB to 4 MiB pieces). */
const MAX_FRAME_BYTES = 32 * 1024 * 1024;
/** How long cleanup waits for the target's operation to end once its sockets are gone (Incus waits 30 s for a control socket). */
const TARGET_END_WAIT_S = 40;
const STEP_TIMEOUT_MS = 10_000;
const PROGRESS_EVERY_BYTES = 4 * 1024 * 1024;

/** Copies in flight in this process (their tokens), never removed as unfinished. */
const inFlight = new Set<string>();

class StallError extends Error {}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}

async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof IncusError && err.status === 404) return null;
    throw err;
  }
}

function bounded<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function readSource(from: IncusClient, name: string, label: string): Promise<SourceInstance> {
  const inst = await orNull(() => from.get<Instance & { architecture: string }>(`/1.0/instances/${encodeURIComponent(name)}`));
  if (!inst) throw new EnclaveError('not-found', `There is no agent "${name}" on ${label}.`);
  return inst;
}

async function readTargetFacts(to: IncusClient, source: SourceInstance, newName: string): Promise<TargetFacts> {
  const nameTaken = (await orNull(() => to.get(`/1.0/instances/${encodeURIComponent(newName)}`))) !== null;
  const profiles: TargetFacts['profiles'] = {};
  for (const p of source.profiles) {
    const profile = await orNull(() => to.get<{ devices?: Record<string, Record<string, string>> }>(`/1.0/profiles/${encodeURIComponent(p)}`));
    profiles[p] = profile ? (profile.devices ?? {}) : null;
  }
  const pools = new Set<string>();
  for (const pool of poolsToCheck(source, profiles)) {
    if ((await orNull(() => to.get(`/1.0/storage-pools/${encodeURIComponent(pool)}`, { project: null }))) !== null) pools.add(pool);
  }
  return { nameTaken, profiles, pools };
}

/**
 * Copies `name` on `from` to `to` as `newName`, stopped. Refused (EnclaveError) before anything
 * is made when the name is taken on the target, the target lacks a profile or a storage pool the
 * copy needs, or the agent mounts a host folder. See AgentCopy for what the target needs next.
 */
export async function copyAgentTo(
  from: IncusClient,
  to: IncusClient,
  name: string,
  newName: string,
  onProgress: (p: CopyProgress) => void = () => undefined,
  opts: CopyAgentOptions = {},
): Promise<AgentCopy> {
  const labels = { from: opts.fromLabel ?? from.address, to: opts.toLabel ?? to.address };
  const tell = (stage: CopyProgress['stage'], bytes: number, detail: string) => {
    try {
      onProgress({ stage, bytes, detail });
    } catch {
      // A listener's failure is not the copy's.
    }
  };
  const cancelled = () => new EnclaveError('conflict', `The copy of ${name} to ${labels.to} was cancelled.`);
  if (opts.signal?.aborted) throw cancelled();

  tell('checking', 0, `Checking ${labels.to}`);
  const source = await readSource(from, name, labels.from);
  const facts = await readTargetFacts(to, source, newName);
  const plan = planCopy({ source, newName, from: labels.from, to: labels.to, project: to.project, ...(opts.extraConfig ? { extraConfig: opts.extraConfig } : {}) }, facts);
  if (!plan.ok) throw new EnclaveError(plan.code, plan.message);
  if (opts.signal?.aborted) throw cancelled();

  const token = randomBytes(8).toString('hex');
  plan.spec.config[COPYING_KEY] = token;
  inFlight.add(token);
  try {
    const transfer = new Transfer(from, to, name, newName, token, labels, tell, opts, cancelled);
    await transfer.run(plan.spec);
    const instance = await to.get<Instance>(`/1.0/instances/${encodeURIComponent(newName)}`);
    return { instance, leftOut: plan.leftOut, notes: plan.notes, pool: plan.pool };
  } finally {
    inFlight.delete(token);
  }
}

/** One relayed migration: its two operations, its sockets, its watchdogs and its cleanup. */
class Transfer {
  bytes = 0;
  private told = 0;
  private lastFrame = Date.now();
  private readonly relays: Relay[] = [];
  private source: MigrationEnd | null = null;
  private target: MigrationEnd | null = null;

  constructor(
    private readonly from: IncusClient,
    private readonly to: IncusClient,
    private readonly name: string,
    private readonly newName: string,
    private readonly token: string,
    private readonly labels: { from: string; to: string },
    private readonly tell: (stage: CopyProgress['stage'], bytes: number, detail: string) => void,
    private readonly opts: CopyAgentOptions,
    private readonly cancelled: () => EnclaveError,
  ) {}

  async run(spec: CopySpec): Promise<void> {
    try {
      this.source = await startMigrationSource(this.from, this.name);
      try {
        this.target = await startMigrationTarget(this.to, spec);
      } catch (err) {
        if (err instanceof IncusError && err.status === 409) {
          throw new EnclaveError('conflict', `${this.labels.to} already has an instance named "${this.newName}". Choose another name.`, 409);
        }
        throw err;
      }
      this.connect(this.source, this.target);
      await this.watch(this.source, this.target);
      this.tell('finishing', this.bytes, 'Finishing');
      // The mark goes once the copy is whole ('' removes a key in a PATCH); until then a failure deletes it.
      await this.to.call('PATCH', `/1.0/instances/${encodeURIComponent(this.newName)}`, { body: { config: { [COPYING_KEY]: '' } } });
    } catch (err) {
      throw await this.fail(err);
    }
  }

  private connect(source: MigrationEnd, target: MigrationEnd): void {
    for (const n of Object.keys(target.secrets)) {
      if (!source.secrets[n]) throw new IncusError(`${this.labels.to} expects a "${n}" stream that ${this.labels.from} does not offer (different Incus versions?).`, 500);
    }
    // Control first, as Incus's relay does: each side starts talking once its control socket is up.
    const names = ['control', ...Object.keys(target.secrets).filter((n) => n !== 'control')];
    for (const n of names) {
      const a = operationSocket(this.from, source.id, source.secrets[n] as string, { maxPayload: MAX_FRAME_BYTES });
      const b = operationSocket(this.to, target.id, target.secrets[n] as string, { maxPayload: MAX_FRAME_BYTES });
      // A failure shows as a close, which the relay passes on; the operations say what went wrong.
      for (const ws of [a, b]) ws.on('error', () => undefined);
      this.relays.push(
        relay(a, b, {
          onFrame: (direction, size) => {
            this.lastFrame = Date.now();
            if (n !== 'fs' || direction !== 'a→b') return;
            this.bytes += size;
            if (this.bytes - this.told >= PROGRESS_EVERY_BYTES) {
              this.told = this.bytes;
              this.tell('transferring', this.bytes, `Copying to ${this.labels.to}: ${formatBytes(this.bytes)}`);
            }
          },
        }),
      );
    }
    this.tell('transferring', 0, `Copying to ${this.labels.to}`);
  }

  /** Resolves once the target made the instance; rejects on the first failure of anything. */
  private async watch(source: MigrationEnd, target: MigrationEnd): Promise<void> {
    const stallMs = this.opts.stallMs ?? DEFAULT_STALL_MS;
    let fail: (err: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined);
    const stall = setInterval(() => {
      // Only while frames can still move: once every socket closed, the operations' waits bound it.
      if (this.relays.some((r) => r.active) && Date.now() - this.lastFrame > stallMs) {
        fail(new StallError(`nothing moved for ${Math.round(stallMs / 1000)} s`));
      }
    }, Math.min(1_000, stallMs));
    const onAbort = () => fail(this.cancelled());
    this.opts.signal?.addEventListener('abort', onAbort);
    try {
      const sourceDone = waitOperation(this.from, source.id);
      sourceDone.catch((err: unknown) => fail(err));
      await Promise.race([waitOperation(this.to, target.id), failed]);
      // The target has the whole instance; the source ends right after (its result no longer matters).
      await bounded(sourceDone.catch(() => undefined), STEP_TIMEOUT_MS);
    } finally {
      clearInterval(stall);
      this.opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Ends everything, deletes the half-made copy when it can, and says what failed and what is left. */
  private async fail(err: unknown): Promise<EnclaveError> {
    this.tell('cleaning-up', this.bytes, 'The copy failed; cleaning up');
    for (const r of this.relays) r.terminate();
    const source = this.source;
    const target = this.target;
    if (source) await cancelOperation(this.from, source.id, 5_000).catch(() => undefined);
    if (target) await bounded(waitOperation(this.to, target.id, TARGET_END_WAIT_S).catch(() => undefined), (TARGET_END_WAIT_S + 5) * 1000);
    let leftOnTarget = false;
    if (target) {
      try {
        const half = await orNull(() => this.to.get<Instance>(`/1.0/instances/${encodeURIComponent(this.newName)}`));
        if (half && half.config?.[COPYING_KEY] === this.token) await deleteInstance(this.to, this.newName);
      } catch {
        leftOnTarget = true;
      }
    }
    const [fromUp, toUp] = await Promise.all([answers(this.from), answers(this.to)]);
    return this.explain(err, { fromUp, toUp, leftOnTarget });
  }

  private explain(err: unknown, state: { fromUp: boolean; toUp: boolean; leftOnTarget: boolean }): EnclaveError {
    const { from, to } = this.labels;
    const what = `Copying ${this.name} from ${from} to ${to}`;
    const left = state.leftOnTarget
      ? ` An unfinished copy may remain on ${to} (marked ${COPYING_KEY}); it is deleted when ${to} answers again.`
      : ` Nothing was left on ${to}.`;
    const untouched = ` ${this.name} on ${from} is unchanged.`;
    if (err instanceof EnclaveError && err.code !== 'incus') return new EnclaveError(err.code, `${err.message}${left}`, err.status);
    if (!state.fromUp) return new EnclaveError('unavailable', `${what} failed: ${from} stopped answering during the copy.${left}${untouched}`);
    if (!state.toUp) return new EnclaveError('unavailable', `${what} failed: ${to} stopped answering during the copy.${left}${untouched}`);
    if (err instanceof StallError) return new EnclaveError('unavailable', `${what} stalled (${err.message}) and was stopped.${left}${untouched}`);
    if (err instanceof IncusUnreachableError) return new EnclaveError('unavailable', `${what} failed: ${err.message}${left}${untouched}`);
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof IncusError) return new EnclaveError('incus', `${what} failed: ${message}${left}${untouched}`, err.status);
    return new EnclaveError('internal', `${what} failed: ${message}${left}${untouched}`);
  }
}

/**
 * Deletes the copies on this server (the client's project) that never finished: marked with
 * user.enclave.copying, stopped, and with no running operation of theirs (a copy in flight,
 * from this process or another, has its create operation running). Call it once a server
 * answers again (its connect or resync); resolves with the names deleted.
 */
export async function removeUnfinishedCopies(client: IncusClient): Promise<string[]> {
  const marked = (await listInstances(client)).filter((i) => {
    const token = i.config?.[COPYING_KEY];
    return token && !inFlight.has(token) && i.status === 'Stopped';
  });
  if (!marked.length) return [];
  const ops = await client.get<{ running?: { resources?: Record<string, string[]> | null }[] }>('/1.0/operations', { query: { recursion: '1' } });
  const busy = new Set<string>();
  for (const op of ops.running ?? []) {
    for (const url of op.resources?.instances ?? []) {
      const m = /^\/1\.0\/instances\/([^/?]+)/.exec(url);
      if (m?.[1]) busy.add(decodeURIComponent(m[1]));
    }
  }
  const removed: string[] = [];
  for (const inst of marked) {
    if (busy.has(inst.name)) continue;
    await deleteInstance(client, inst.name);
    removed.push(inst.name);
  }
  return removed;
}
