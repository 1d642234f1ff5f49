import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/api.js';
import type { Agent, ConnectionStatus } from '../../shared/types.js';
import { createInstance } from '../incus/instances.js';
import { recordEvents, type Recorder } from '../test-support/events.js';
import { AGENT_IMAGE, INCUS_SOCKET, suffix, useTestProject } from '../test-support/project.js';
import { isolatedSettingsPath } from '../test-support/backend.js';
import { SocketProxy, staleSocket } from '../test-support/proxy.js';
import { dispatch } from '../transport/dispatch.js';
import { Backend } from './backend.js';

const RETRY_MS = 300;

describe('Connection loss and resync (daemon left running)', () => {
  const project = useTestProject();
  let dir: string;
  const started: Backend[] = [];

  function backendOn(socketPath: string): { backend: Backend; rec: Recorder } {
    const backend = new Backend({ project: project.name, socketPath, retryMs: RETRY_MS, settingsPath: isolatedSettingsPath(project, 'conn') });
    started.push(backend);
    const rec = recordEvents(backend);
    backend.start();
    return { backend, rec };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enclave-conn-it-'));
    project.defer(() => rm(dir, { recursive: true, force: true }));
    project.defer(() => Promise.all(started.splice(0).map((b) => b.stop())));
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((b) => b.stop()));
  });

  it('goes unavailable when the socket vanishes, and comes back with a full resync', async () => {
    const proxy = new SocketProxy(join(dir, 'proxy.socket'), INCUS_SOCKET);
    await proxy.start();
    try {
      const { backend, rec } = backendOn(proxy.path);
      await backend.ready(10_000);
      await rec.waitFor('agents.changed', (c) => c.kind === 'reset', 5000, 0);

      // Cut: the path is gone.
      const cutAt = Date.now();
      await proxy.cut();
      await expect(stat(proxy.path)).rejects.toMatchObject({ code: 'ENOENT' });
      const down = await rec.waitFor(
        'system.status',
        (s) => s.state === 'unavailable' && s.problem === 'missing',
        RETRY_MS * 10,
        cutAt,
      );
      const status = down.payload as Extract<ConnectionStatus, { state: 'unavailable' }>;
      expect(status.socketPath).toBe(proxy.path);
      expect(status.message).toContain(proxy.path);
      expect(status.hint).toMatch(/\w/);
      expect(Date.parse(status.nextRetryAt)).toBeGreaterThan(cutAt);
      // On the way down it says it is reconnecting or what is missing, never an unexplained
      // 'error' (which comes first depends on whether the events stream or a request notices).
      const seen = rec.log.filter((r) => r.event === 'system.status' && r.at >= cutAt).map((r) => r.payload as ConnectionStatus);
      expect(seen.map((s) => s.state).filter((state) => state !== 'connecting' && state !== 'unavailable')).toEqual([]);
      // A request in flight when the socket went may first report its connection's reset
      // (not-responding); the retry then finds the path gone (missing). Never 'error'.
      for (const s of seen) {
        if (s.state !== 'unavailable') continue;
        expect(['missing', 'not-responding']).toContain(s.problem);
        expect(s.message).toMatch(/\w/);
      }
      // Every status of the outage dates it from the loss, the same instant throughout.
      const since = new Set(seen.map((s) => (s.state === 'connected' ? null : (s.since ?? null))));
      expect(since.size).toBe(1);
      const [outageSince] = [...since];
      expect(Date.parse(outageSince ?? '')).toBeGreaterThanOrEqual(cutAt);
      // The agents stay known (the last known state) rather than vanishing with Incus.
      expect(await dispatch(backend.handlers, 'agents.list', {})).toMatchObject({ ok: true });
      // Requests that need Incus say why they cannot run.
      const refused = (await dispatch(backend.handlers, 'agents.create', { name: 'x', image: AGENT_IMAGE })) as Reply;
      expect(refused).toMatchObject({ ok: false, error: { code: 'unavailable' } });

      // Meanwhile another client changes Incus: nothing tells us (events are not resent).
      const made = `while-away-${suffix()}`;
      await createInstance(project.client, { name: made, source: { type: 'image', alias: AGENT_IMAGE } });
      // Still down after a few retries.
      await new Promise((r) => setTimeout(r, RETRY_MS * 2));
      expect(backend.local.connection.status.state).toBe('unavailable');

      // Restore on the same path: reconnects by itself and resyncs.
      const restoredAt = Date.now();
      await proxy.start();
      await rec.waitFor('system.status', (s) => s.state === 'connected', RETRY_MS * 10, restoredAt);
      const reset = await rec.waitFor(
        'agents.changed',
        (c) => c.kind === 'reset' && c.agents.some((a) => a.name === made),
        5000,
        restoredAt,
      );
      expect(reset.payload).toMatchObject({ kind: 'reset' });
      const listed = await dispatch(backend.handlers, 'agents.list', {});
      expect(listed.ok && (listed.result as Agent[]).map((a) => a.name)).toContain(made);

      // Live again: events flow through the restored path.
      const agent = `after-${suffix()}`;
      const t = Date.now();
      await createInstance(project.client, { name: agent, source: { type: 'image', alias: AGENT_IMAGE } });
      await rec.waitFor('agents.changed', (c) => c.kind === 'upsert' && c.agent.name === agent, 2000, t);
    } finally {
      await proxy.cut();
    }
  });

  it('survives the daemon vanishing during the resync that follows a connect', async () => {
    const proxy = new SocketProxy(join(dir, 'flaky.socket'), INCUS_SOCKET);
    await proxy.start();
    try {
      const backend = new Backend({ project: project.name, socketPath: proxy.path, retryMs: RETRY_MS, settingsPath: isolatedSettingsPath(project, 'conn') });
      started.push(backend);
      const rec = recordEvents(backend);
      // Cut the link the instant the connection is declared, before the agents' resync runs.
      let cut: Promise<void> | null = null;
      backend.local.connection.on('status', (s) => {
        if (s.state === 'connected' && !cut) cut = proxy.cut();
      });
      backend.start();
      await rec.waitFor('system.status', (s) => s.state === 'unavailable' && s.problem === 'missing', RETRY_MS * 10, 0);
      await cut;
      // Back again: the resync happens and completes.
      await proxy.start();
      await rec.waitFor('agents.changed', (c) => c.kind === 'reset', RETRY_MS * 10, Date.now());
    } finally {
      await proxy.cut();
    }
  });

  it('reports a socket with no daemon behind it as not-responding, then connects when one appears', async () => {
    const path = join(dir, 'stale.socket');
    await staleSocket(path);
    expect((await stat(path)).isSocket()).toBe(true);
    const { backend, rec } = backendOn(path);
    const down = await rec.waitFor('system.status', (s) => s.state === 'unavailable', 5000, 0);
    expect(down.payload).toMatchObject({ state: 'unavailable', problem: 'not-responding', socketPath: path });
    const status = down.payload as Extract<ConnectionStatus, { state: 'unavailable' }>;
    expect(status.hint).toContain('no daemon answers');

    // A daemon appears on that path (replace the stale file).
    await rm(path);
    const proxy = new SocketProxy(path, INCUS_SOCKET);
    await proxy.start();
    try {
      await backend.ready(RETRY_MS * 10);
      expect(backend.local.connection.status.state).toBe('connected');
    } finally {
      await proxy.cut();
    }
  });

  it('reports a missing socket as missing, and system.status retries at once', async () => {
    const path = join(dir, `absent-${suffix()}.socket`);
    const { backend, rec } = backendOn(path);
    const down = await rec.waitFor('system.status', (s) => s.state === 'unavailable', 5000, 0);
    expect(down.payload).toMatchObject({ state: 'unavailable', problem: 'missing', socketPath: path, tried: [path] });
    const reply = await dispatch(backend.handlers, 'system.status', {});
    expect(reply).toMatchObject({ ok: true, result: { state: 'unavailable', problem: 'missing' } });
  });
});
