/**
 * Fault: the link to Incus misbehaves while the daemon itself is fine, played by a proxy in
 * front of the spare daemon's socket: (1) the events stream is cut (every connection dropped,
 * the socket gone for a while), (2) the socket stalls: connections stay open, new ones are
 * accepted, and no byte comes back, as from a hung daemon.
 *
 * What the user must see: the status leaves `connected` (connecting or unavailable) by itself,
 * every call ends with a clear `unavailable` error within the client's request timeout instead
 * of hanging, and once the link is back everything resyncs: an agent created meanwhile with the
 * CLI appears, and the agents, snapshots and settings from before are all still there.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/api.js';
import type { Agent, ErrorInfo, Snapshot } from '../../shared/types.js';
import type { Backend } from '../core/backend.js';
import { until } from '../test-support/project.js';
import { SocketProxy } from '../test-support/proxy.js';
import { SPARE_IMAGE, spareIncusdSkipReason } from '../test-support/spare-incusd.js';
import { TestLink, failed, ok } from '../test-support/terminal-link.js';
import { FAULTS_PROJECT, settles, useFaultRig } from './support.js';

const skipped = spareIncusdSkipReason();
const TITLE = 'the events stream cut and the socket stalled (a proxy before the spare daemon)';
/** The client's request timeout in this test: short, so a hang shows quickly. */
const TIMEOUT_MS = 2_000;

if (skipped) {
  describe(TITLE, () => {
    it(`is skipped: ${skipped}`, (ctx) => ctx.skip(skipped));
  });
}

describe.skipIf(skipped)(TITLE, () => {
  const rig = useFaultRig();
  let dir = '';
  let proxy: SocketProxy;
  let backend: Backend;
  const call = (method: string, args: unknown = {}) => new TestLink(backend.handlers).call(method, args);
  const names = async () => ok<Agent[]>(await call('agents.list')).map((a) => a.name).sort();
  /** An agent made behind Enclave's back, straight on the daemon's own socket. */
  const cliCreate = (name: string) => rig.daemon.incus('create', SPARE_IMAGE, name, '--project', FAULTS_PROJECT, '--profile', 'enclave');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enclave-stall-'));
    proxy = new SocketProxy(join(dir, 'incus.socket'), rig.daemon.socketPath);
    await proxy.start();
    backend = await rig.backendWith({ socketPath: proxy.path, requestTimeoutMs: TIMEOUT_MS, heartbeatMs: 1_000 });
  }, 60_000);
  afterAll(async () => {
    await proxy?.cut();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('cut: goes connecting or unavailable, then resyncs what changed meanwhile', async () => {
    ok<Agent>(await call('agents.create', { name: 'before', image: SPARE_IMAGE }));
    ok<Snapshot>(await call('snapshots.create', { agent: 'before', name: 'kept' }));
    const settings = await backend.settings.get();

    await proxy.cut();
    await until('the status leaves connected', () => backend.local.connection.status.state !== 'connected', 10_000);
    const during = failed(await call('snapshots.list', { agent: 'before' }));
    expect(during.code).toBe('unavailable');
    expect(during.message).toMatch(/Incus/);
    await cliCreate('cut-meanwhile');

    await proxy.start();
    await backend.ready(15_000);
    await until('the CLI-made agent appears', async () => (await names()).includes('cut-meanwhile'), 10_000);
    expect(await names()).toEqual(expect.arrayContaining(['before', 'cut-meanwhile']));
    expect(ok<Snapshot[]>(await call('snapshots.list', { agent: 'before' })).map((s) => s.name)).toEqual(['kept']);
    expect(await backend.settings.get()).toEqual(settings);
  });

  it('stall: calls fail as unavailable within the timeout, the status says so by itself, and all resyncs after', async () => {
    await backend.ready(15_000);
    ok<Agent>(await call('agents.create', { name: 'held', image: SPARE_IMAGE }));
    ok<Snapshot>(await call('snapshots.create', { agent: 'held', name: 'kept' }));
    const settings = await backend.settings.get();
    const statuses: string[] = [];
    const onStatus = (s: { state: string }) => statuses.push(s.state);
    backend.local.connection.on('status', onStatus);
    try {
      proxy.stall();
      // A call already on its way when the daemon hangs ends within the request timeout.
      const inFlight = settles(call('snapshots.create', { agent: 'held', name: 'in-flight' }), 4 * TIMEOUT_MS + 5_000, 'snapshots.create in flight');
      // Nobody else calls anything: the backend must find out by itself that the daemon hangs.
      await until('the status leaves connected with no call made', () => backend.local.connection.status.state !== 'connected', 6 * TIMEOUT_MS + 10_000);
      expect(['connecting', 'unavailable']).toContain(backend.local.connection.status.state);

      const first = await inFlight;
      expect(first.ok).toBe(true);
      const firstError = failed((first as { ok: true; value: Reply }).value);
      expect(firstError.code, firstError.message).toBe('unavailable');
      expect(firstError.message).toMatch(/Incus is not responding/);

      // Every kind of call ends, with the contract's `unavailable` and a message naming Incus.
      const calls: [string, unknown][] = [
        ['agents.create', { name: 'in-stall', image: SPARE_IMAGE }],
        ['snapshots.create', { agent: 'held', name: 'nope' }],
        ['agents.action', { name: 'held', action: 'restart' }],
        ['images.list', {}],
        ['system.status', {}],
      ];
      for (const [method, args] of calls) {
        const outcome = await settles(call(method, args), 4 * TIMEOUT_MS + 5_000, method);
        expect(outcome.ok, method).toBe(true); // dispatch never throws: the reply came
        const reply = outcome.ok ? outcome.value : null;
        if (method === 'system.status') {
          expect(reply?.ok).toBe(true);
          const s = (reply as { ok: true; result: { state: string; message?: string } }).result;
          expect(s.state).not.toBe('connected');
          continue;
        }
        const err: ErrorInfo = failed(reply as Reply);
        expect(err.code, `${method}: ${err.message}`).toBe('unavailable');
        expect(err.message, method).toMatch(/Incus/);
      }

      // Lists the backend mirrors answer from the mirror, unchanged; or say Incus is unavailable.
      const listed = await settles(call('snapshots.list', { agent: 'held' }), 4 * TIMEOUT_MS + 5_000, 'snapshots.list');
      const reply = listed.ok ? listed.value : null;
      if (reply?.ok) expect((reply.result as Snapshot[]).map((s) => s.name)).toContain('kept');
      else expect(failed(reply as Reply).code).toBe('unavailable');
      const mirrored = await call('agents.list');
      if (mirrored.ok) expect((mirrored.result as Agent[]).map((a) => a.name)).toContain('held');
      else expect(failed(mirrored).code).toBe('unavailable');
      await cliCreate('stall-meanwhile');
      proxy.resume();
      await backend.ready(6 * TIMEOUT_MS + 15_000);
      await until('the CLI-made agent appears', async () => (await names()).includes('stall-meanwhile'), 10_000);
      expect(await names()).toEqual(expect.arrayContaining(['held', 'stall-meanwhile']));
      expect(await backend.settings.get()).toEqual(settings);
      // Nothing lost; what is listed is what Incus has (the request held in the hang may have
      // been carried out once the daemon answered again: the list shows it either way).
      const after = ok<Snapshot[]>(await call('snapshots.list', { agent: 'held' })).map((s) => s.name);
      expect(after).toContain('kept');
      const truth = (JSON.parse(await rig.daemon.incus('snapshot', 'list', 'held', '--project', FAULTS_PROJECT, '--format=json')) as { name: string }[]).map((s) => s.name).sort();
      await until('the snapshot list matches Incus', async () => JSON.stringify(ok<Snapshot[]>(await call('snapshots.list', { agent: 'held' })).map((s) => s.name).sort()) === JSON.stringify(truth), 10_000);
      // The restart refused during the stall did not happen later behind the user's back.
      const held = ok<Agent[]>(await call('agents.list')).find((a) => a.name === 'held');
      expect(held?.status).toBe('Running');
      expect(statuses.at(-1)).toBe('connected');
    } finally {
      backend.local.connection.off('status', onStatus);
      proxy.resume();
    }
  });
});
