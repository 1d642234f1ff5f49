import { describe, expect, it } from 'vitest';
import { AGENT_IMAGE, suffix, useTestProject } from '../test-support/project.js';
import { IncusClient } from './client.js';
import { IncusError, IncusUnreachableError } from './errors.js';
import { getInstance } from './instances.js';
import { OPERATION_FAILURE, OPERATION_SUCCESS, mutate, operationId, waitOperation, type Operation } from './operations.js';
import { serverInfo } from './projects.js';

describe('IncusClient against the real daemon', () => {
  const project = useTestProject();

  it('GET /1.0 answers with the server info, trusted over the socket', async () => {
    const info = await serverInfo(project.client);
    expect(info.auth).toBe('trusted');
    expect(info.api_version).toBe('1.0');
    expect(info.environment.server_version).toMatch(/^\d+\.\d+/);
  });

  it('call() returns the whole envelope and an ETag', async () => {
    const res = await project.client.call<{ name: string }>('GET', `/1.0/projects/${project.name}`, { project: null });
    expect(res.envelope.type).toBe('sync');
    expect(res.envelope.metadata.name).toBe(project.name);
    expect(res.etag).toMatch(/\S/);
  });

  it('keeps Incus error message and status from the error envelope', async () => {
    const err = await project.client.get('/1.0/instances/no-such-instance').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncusError);
    expect((err as IncusError).status).toBe(404);
    expect((err as IncusError).message).toBe(
      `Failed to fetch instance "no-such-instance" in project "${project.name}": Instance not found`,
    );
  });

  it('mutate() waits for an async operation to finish', async () => {
    const name = `op-${suffix()}`;
    let started: string | null = null;
    const op = await mutate<Record<string, unknown>>(project.client, 'POST', '/1.0/instances', {
      body: { name, type: 'container', source: { type: 'image', alias: AGENT_IMAGE } },
      onStarted: (id) => (started = id),
    });
    expect(op).not.toBeNull();
    expect(started).toBe(op?.id);
    expect(op?.status_code).toBe(OPERATION_SUCCESS);
    // Done means done: the instance is there, stopped, without waiting any further.
    const inst = await getInstance(project.client, name);
    expect(inst.status).toBe('Stopped');
    // A sync request yields no operation.
    expect(await mutate(project.client, 'PATCH', `/1.0/instances/${name}`, { body: { description: 'patched' } })).toBeNull();
    expect((await getInstance(project.client, name)).description).toBe('patched');
    expect(await mutate(project.client, 'DELETE', `/1.0/instances/${name}`)).not.toBeNull();
  });

  it('waitOperation() surfaces a failed operation with Incus message', async () => {
    // Incus accepts the create, then fails the operation when the alias does not resolve.
    const { envelope } = await project.client.call<Operation>('POST', '/1.0/instances', {
      body: { name: `bad-${suffix()}`, type: 'container', source: { type: 'image', alias: 'no-such-alias' } },
    });
    expect(envelope.type).toBe('async');
    const err = await waitOperation(project.client, envelope.operation ?? '').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncusError);
    expect((err as IncusError).status).toBeGreaterThanOrEqual(400);
    // The very text Incus recorded on the operation.
    const op = await project.client.get<Operation>(`/1.0/operations/${operationId(envelope.operation ?? '')}`);
    expect(op.status_code).toBe(OPERATION_FAILURE);
    expect(op.err).not.toBe('');
    expect((err as IncusError).message).toBe(op.err);
  });

  it('mutate() rejects with the failure too', async () => {
    const err = await mutate(project.client, 'POST', '/1.0/instances', {
      body: { name: `bad-${suffix()}`, type: 'container', source: { type: 'image', alias: 'no-such-alias' } },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IncusError);
    expect((err as IncusError).message).toMatch(/\w/);
    expect((err as IncusError).message).not.toMatch(/^HTTP \d+$/);
  });

  it('operationId() reads ids from operation paths', () => {
    expect(operationId('/1.0/operations/0e5f01e2-f0b2?project=p')).toBe('0e5f01e2-f0b2');
    expect(() => operationId('/1.0/instances/x')).toThrow(/not an operation path/);
  });

  it('classifies a missing socket as unreachable', async () => {
    const gone = new IncusClient({ socketPath: `/nonexistent-${suffix()}/unix.socket`, project: 'default' });
    try {
      const err = await serverInfo(gone).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IncusUnreachableError);
      expect((err as IncusUnreachableError).problem).toBe('missing');
    } finally {
      await gone.close();
    }
  });

  it('opens websockets on the daemon (events)', async () => {
    const ws = project.client.websocket('/1.0/events', { type: 'lifecycle' });
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error('events websocket failed'));
    });
    ws.close();
  });
});
