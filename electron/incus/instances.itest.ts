import { describe, expect, it } from 'vitest';
import { AGENT_IMAGE, suffix, useTestProject } from '../test-support/project.js';
import { IncusError } from './errors.js';
import { changeState, createInstance, deleteInstance, getInstance, listInstances } from './instances.js';

describe('instances against the real daemon', () => {
  const project = useTestProject();

  it('creates, lists, changes state of and deletes an instance', async () => {
    const name = `inst-${suffix()}`;
    let opId: string | null = null;
    const op = await createInstance(
      project.client,
      {
        name,
        description: 'integration test',
        source: { type: 'image', alias: AGENT_IMAGE },
        config: { 'user.enclave.test': 'yes', 'limits.processes': '200' },
      },
      (id) => (opId = id),
    );
    expect(opId).toBe(op?.id);

    let inst = await getInstance(project.client, name);
    expect(inst).toMatchObject({ name, status: 'Stopped', type: 'container', description: 'integration test', project: project.name });
    expect(inst.config['user.enclave.test']).toBe('yes');
    expect(inst.config['limits.processes']).toBe('200');
    // Never started: Incus 6.0 reports the Unix epoch here (older releases the year 1).
    expect(Date.parse(inst.last_used_at)).toBeLessThanOrEqual(0);

    const listed = await listInstances(project.client);
    expect(listed.map((i) => i.name)).toEqual([name]);
    expect(listed[0]?.config['user.enclave.test']).toBe('yes');

    const expectStatus = async (status: string) => expect((await getInstance(project.client, name)).status).toBe(status);

    await changeState(project.client, name, 'start');
    await expectStatus('Running');
    inst = await getInstance(project.client, name);
    expect(Date.parse(inst.last_used_at)).toBeGreaterThan(Date.parse('2020-01-01'));

    await changeState(project.client, name, 'freeze');
    await expectStatus('Frozen');
    await changeState(project.client, name, 'unfreeze');
    await expectStatus('Running');
    await changeState(project.client, name, 'restart', { force: true });
    await expectStatus('Running');
    await changeState(project.client, name, 'stop', { force: true });
    await expectStatus('Stopped');

    await deleteInstance(project.client, name);
    const err = await getInstance(project.client, name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncusError);
    expect((err as IncusError).status).toBe(404);
    expect(await listInstances(project.client)).toEqual([]);
  });

  it('refuses a duplicate name, leaving the first instance alone', async () => {
    const name = `dup-${suffix()}`;
    await createInstance(project.client, { name, source: { type: 'image', alias: AGENT_IMAGE } });
    const err = await createInstance(project.client, { name, source: { type: 'image', alias: AGENT_IMAGE } }).catch(
      (e: unknown) => e,
    );
    // Incus 6.0.4 fails the operation (500, a database UNIQUE constraint) rather than a 409,
    // which is why AgentService checks for the name itself before creating.
    expect(err).toBeInstanceOf(IncusError);
    expect((err as IncusError).status).toBeGreaterThanOrEqual(400);
    expect((await getInstance(project.client, name)).status).toBe('Stopped');
    await deleteInstance(project.client, name);
  });

  it('keeps Incus message for an action Incus refuses', async () => {
    const name = `refuse-${suffix()}`;
    await createInstance(project.client, { name, source: { type: 'image', alias: AGENT_IMAGE } });
    // Freezing a stopped instance is refused by Incus, with its own words.
    const err = await changeState(project.client, name, 'freeze').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncusError);
    expect((err as IncusError).message).toMatch(/running|not/i);
    // Deleting a running instance is refused too.
    await changeState(project.client, name, 'start');
    const del = await deleteInstance(project.client, name).catch((e: unknown) => e);
    expect(del).toBeInstanceOf(IncusError);
    expect((del as IncusError).message).toMatch(/running/i);
    await changeState(project.client, name, 'stop', { force: true });
    await deleteInstance(project.client, name);
  });

  it('404s on actions for a missing instance', async () => {
    const err = await changeState(project.client, 'no-such-instance', 'start').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncusError);
    expect((err as IncusError).status).toBe(404);
  });
});
