/**
 * What the fault tests share: a spare incusd of their own (see test-support/spare-incusd.ts)
 * and a Backend on it whose agents have no network (that daemon makes no bridges), both gone
 * at the end of the file whatever happened.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Backend } from '../core/backend.js';
import { recordEvents, type Recorder } from '../test-support/events.js';
import { SpareIncusd } from '../test-support/spare-incusd.js';
import { FAULTS_PROJECT, NO_NETWORK } from './support-model.js';

export { FAULTS_PROJECT, NO_NETWORK } from './support-model.js';

export interface BackendOpts {
  socketPath?: string;
  requestTimeoutMs?: number;
  retryMs?: number;
  heartbeatMs?: number;
}

export interface FaultRig {
  daemon: SpareIncusd;
  backend: Backend;
  rec: Recorder;
  /** A second backend on the same daemon and settings (e.g. one built with other options). */
  backendWith(opts: BackendOpts): Promise<Backend>;
}

/**
 * Registers beforeAll/afterAll: the spare daemon (pool of `poolSize`), a started Backend on it
 * with `defaultNetwork` none. Teardown stops every backend, then destroys the daemon.
 */
export function useFaultRig(opts: { poolSize?: string } = {}): FaultRig {
  const backends: Backend[] = [];
  let configDir = '';
  const rig = {} as FaultRig;
  const make = async (o: BackendOpts = {}) => {
    const backend = new Backend({
      project: FAULTS_PROJECT,
      socketPath: o.socketPath ?? rig.daemon.socketPath,
      retryMs: o.retryMs ?? 200,
      ...(o.requestTimeoutMs ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
      ...(o.heartbeatMs ? { heartbeatMs: o.heartbeatMs } : {}),
      settingsPath: join(configDir, 'settings.json'),
      network: { bridges: false, blockedLog: false },
    });
    backends.push(backend);
    backend.start();
    await backend.ready(30_000);
    return backend;
  };
  beforeAll(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'enclave-faults-it-'));
    rig.daemon = await SpareIncusd.create(opts);
    rig.backend = await make();
    rig.rec = recordEvents(rig.backend);
    await rig.backend.settings.update({ defaultNetwork: NO_NETWORK });
    rig.backendWith = make;
  }, 180_000);
  afterAll(async () => {
    rig.rec?.stop();
    for (const b of backends) await b.stop().catch(() => undefined);
    try {
      await rig.daemon?.destroy();
    } finally {
      if (configDir) await rm(configDir, { recursive: true, force: true });
    }
  }, 180_000);
  return rig;
}

/** Resolves when `p` settles (either way) and says how; rejects if it is still pending after `ms`. */
export async function settles<T>(p: Promise<T>, ms: number, what: string): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} was still pending after ${ms} ms: a spinner forever`)), ms);
  });
  try {
    return await Promise.race([outcome, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
