import { beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/api.js';
import type { Agent, AgentsChange, ConnectionStatus, ErrorInfo } from '../../shared/types.js';
import { getInstance, listInstances } from '../incus/instances.js';
import { recordEvents, type Recorder } from '../test-support/events.js';
import { AGENT_IMAGE, INCUS_SOCKET, incus, suffix, useTestProject } from '../test-support/project.js';
import { testBackend } from '../test-support/backend.js';
import { dispatch } from '../transport/dispatch.js';
import { Backend } from './backend.js';

function ok<T>(reply: Reply): T {
  if (!reply.ok) throw new Error(`expected success, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result as T;
}
function failed(reply: Reply): ErrorInfo {
  if (reply.ok) throw new Error(`expected an error, got ${JSON.stringify(reply.result)}`);
  return reply.error;
}
const upsertOf = (name: string, pred: (a: Agent) => boolean = () => true) => (c: AgentsChange) =>
  c.kind === 'upsert' && c.agent.name === name && pred(c.agent);

describe('Backend and AgentService against the real daemon', () => {
  const project = useTestProject();
  let backend: Backend;
  let rec: Recorder;
  const call = (method: string, args: unknown = {}) => dispatch(backend.handlers, method, args);

  beforeAll(async () => {
    ({ backend } = await testBackend(project, 'agents'));
    project.defer(() => backend.stop());
    rec = recordEvents(backend);
    project.defer(() => rec.stop());
    backend.start();
    await backend.ready(15_000);
  });

  it('reports a connected status for its project', async () => {
    const status = ok<ConnectionStatus>(await call('system.status'));
    expect(status).toMatchObject({ state: 'connected', socketPath: INCUS_SOCKET, project: project.name });
    if (status.state !== 'connected') return;
    expect(status.serverVersion).toMatch(/^\d+\.\d+/);
    expect(status.storageDrivers.length).toBeGreaterThan(0);
    await rec.waitFor('agents.changed', (c) => c.kind === 'reset', 5000, 0);
  });

  it('lists no agents in a fresh project, and the images', async () => {
    expect(ok<Agent[]>(await call('agents.list'))).toEqual([]);
    const images = ok<{ aliases: string[] }[]>(await call('images.list'));
    expect(images.some((i) => i.aliases.includes(AGENT_IMAGE))).toBe(true);
  });

  const name = `agent-${suffix()}`;

  it('creates an agent: progress, running result, user.enclave.* keys', async () => {
    const since = Date.now();
    const agent = ok<Agent>(await call('agents.create', { name, image: AGENT_IMAGE, description: 'integration' }));
    expect(agent).toMatchObject({ name, status: 'Running', managed: true, description: 'integration', image: AGENT_IMAGE });
    expect(agent.meta).toMatchObject({ 'created-by': 'enclave', image: AGENT_IMAGE });
    expect(Date.parse(agent.meta['created-at'] ?? '')).toBeGreaterThanOrEqual(since - 1000);
    expect(Date.parse(agent.lastStartedAt ?? '')).toBeGreaterThanOrEqual(since - 1000);

    const stages = rec.of('agents.progress').filter((p) => p.name === name).map((p) => p.stage);
    expect(stages.filter((s, i) => s !== stages[i - 1])).toEqual(['creating', 'starting', 'ready']);

    // The keys are in Incus, as the CLI shows them.
    const shown = await incus('config', 'show', name, '--project', project.name);
    expect(shown).toContain('user.enclave.created-by: enclave');
    expect(shown).toContain(`user.enclave.image: ${AGENT_IMAGE}`);
    expect((await getInstance(project.client, name)).status).toBe('Running');

    // And the renderer heard about it.
    await rec.waitFor('agents.changed', upsertOf(name, (a) => a.status === 'Running'), 2000, since);
    expect(ok<Agent[]>(await call('agents.list')).map((a) => a.name)).toEqual([name]);
  });

  it('refuses a duplicate name as a conflict', async () => {
    const err = failed(await call('agents.create', { name, image: AGENT_IMAGE }));
    expect(err.code).toBe('conflict');
    expect(err.message).toContain(name);
  });

  it('refuses, as a conflict, a name Incus has that the agent list has not seen yet', async () => {
    const other = `cli-${suffix()}`;
    // Deaf to events for a moment, as when another client creates it just before us.
    const listeners = backend.local.connection.listeners('event');
    backend.local.connection.removeAllListeners('event');
    try {
      await incus('create', AGENT_IMAGE, other, '--project', project.name);
      const err = failed(await call('agents.create', { name: other, image: AGENT_IMAGE }));
      expect(err.code).toBe('conflict');
      expect(err.message).toContain(other);
    } finally {
      for (const l of listeners) backend.local.connection.on('event', l);
    }
    await incus('delete', other, '--project', project.name);
  });

  it('never sends an invalid name to Incus', async () => {
    const before = rec.log.length;
    for (const bad of ['1agent', 'has_underscore', 'x'.repeat(64), '-lead', 'trail-', '']) {
      const err = failed(await call('agents.create', { name: bad, image: AGENT_IMAGE }));
      expect(err.code).toBe('invalid-arguments');
      expect(err.message).toContain('Agent names are 1–63 characters');
    }
    expect(failed(await call('agents.action', { name: 'bad_name', action: 'stop' })).code).toBe('invalid-arguments');
    expect(failed(await call('agents.delete', { name: '../etc' })).code).toBe('invalid-arguments');
    expect(rec.log.slice(before).filter((r) => r.event === 'agents.progress')).toEqual([]);
    expect((await listInstances(project.client)).map((i) => i.name)).toEqual([name]);
  });

  it('performs lifecycle actions', async () => {
    const act = async (action: string, force?: boolean) =>
      ok<Agent>(await call('agents.action', force === undefined ? { name, action } : { name, action, force }));
    expect((await act('freeze')).status).toBe('Frozen');
    expect((await getInstance(project.client, name)).status).toBe('Frozen');
    expect((await act('unfreeze')).status).toBe('Running');
    expect((await act('restart', true)).status).toBe('Running');
    expect((await act('stop', true)).status).toBe('Stopped');
    expect((await getInstance(project.client, name)).status).toBe('Stopped');
    expect((await act('start')).status).toBe('Running');
  });

  it('refuses a second concurrent action on the same agent as busy', async () => {
    const [first, second] = await Promise.all([
      call('agents.action', { name, action: 'restart', force: true }),
      call('agents.action', { name, action: 'start' }),
    ]);
    expect(ok<Agent>(first).status).toBe('Running');
    const err = failed(second);
    expect(err.code).toBe('busy');
    expect(err.message).toContain('being restarted');
    // Free again once the first finished.
    expect(ok<Agent>(await call('agents.action', { name, action: 'freeze' })).status).toBe('Frozen');
    expect(ok<Agent>(await call('agents.action', { name, action: 'unfreeze' })).status).toBe('Running');
  });

  it('never refuses Stop, Freeze or Delete as busy: they override other actions', async () => {
    const [first, second] = await Promise.all([
      call('agents.action', { name, action: 'restart', force: true }),
      call('agents.action', { name, action: 'stop', force: true }),
    ]);
    // Incus orders the two; whichever it runs last decides the state. Neither is Enclave's "busy".
    for (const reply of [first, second]) expect(reply.ok || reply.error.code).not.toBe('busy');
    if ((await getInstance(project.client, name)).status === 'Stopped') ok<Agent>(await call('agents.action', { name, action: 'start' }));
  });

  it('keeps Incus message for what Incus refuses', async () => {
    const err = failed(await call('agents.action', { name: 'no-such-agent', action: 'start' }));
    expect(err.code).toBe('not-found');
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/not found/i);
    // The create of a missing image fails with Incus own words, as a failed stage.
    const bad = `bad-${suffix()}`;
    const created = failed(await call('agents.create', { name: bad, image: 'no-such-image' }));
    expect(created.code).toBe('incus');
    expect(created.message).toMatch(/\w/);
    const last = rec.of('agents.progress').filter((p) => p.name === bad).at(-1);
    expect(last).toMatchObject({ stage: 'failed', error: created.message });
  });

  it('deletes an agent even while frozen or running', async () => {
    const since = Date.now();
    expect(ok<{ name: string }>(await call('agents.delete', { name }))).toEqual({ name });
    await rec.waitFor('agents.changed', (c) => c.kind === 'removed' && c.name === name, 2000, since);
    expect(await listInstances(project.client)).toEqual([]);
    expect(ok<Agent[]>(await call('agents.list'))).toEqual([]);
    expect(failed(await call('agents.delete', { name })).code).toBe('not-found');

    const running = `run-${suffix()}`;
    expect(ok<Agent>(await call('agents.create', { name: running, image: AGENT_IMAGE })).status).toBe('Running');
    expect(ok<{ name: string }>(await call('agents.delete', { name: running }))).toEqual({ name: running });
    expect(await listInstances(project.client)).toEqual([]);
  });

  it('follows instances made with the incus CLI through events', async () => {
    const cli = `cli-${suffix()}`;
    /** Runs the CLI, then expects a matching agents.changed (pushed from Incus's events, no poll). */
    const expectChange = async (args: string[], match: (c: AgentsChange) => boolean) => {
      const started = Date.now();
      await incus(...args, '--project', project.name);
      const hit = await rec.waitFor('agents.changed', match, 10_000, started);
      return hit.payload;
    };

    const up = await expectChange(['launch', AGENT_IMAGE, cli], upsertOf(cli, (a) => a.status === 'Running'));
    expect(up).toMatchObject({ kind: 'upsert', agent: { name: cli, managed: false, meta: {} } });

    await expectChange(['stop', cli, '--force'], upsertOf(cli, (a) => a.status === 'Stopped'));
    const listed = ok<Agent[]>(await call('agents.list'));
    expect(listed.find((a) => a.name === cli)).toMatchObject({ status: 'Stopped', managed: false });

    await expectChange(['delete', cli], (c) => c.kind === 'removed' && c.name === cli);
    expect(ok<Agent[]>(await call('agents.list')).find((a) => a.name === cli)).toBeUndefined();
  });
});
