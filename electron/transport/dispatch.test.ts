import { describe, expect, it } from 'vitest';
import { MAX_ARGS_BYTES, MAX_TERMINAL_INPUT_BYTES } from '../../shared/api.js';
import { EnclaveError } from '../../shared/errors.js';
import { AGENT_NAME_RULE } from '../../shared/names.js';
import type { Agent, ConnectionStatus } from '../../shared/types.js';
import { agentFixture } from '../../shared/test-fixtures.js';
import { IncusError, IncusUnreachableError } from '../incus/errors.js';
import type { Handlers } from '../../shared/handlers.js';
import { dispatch } from './dispatch.js';

const agent = (name: string): Agent => agentFixture(name);

const unused = async (): Promise<never> => {
  throw new Error('not used by these tests');
};

/** Tiny handlers that record what reached them. */
function handlers(overrides: Partial<Handlers> = {}): { h: Handlers; calls: [string, unknown][] } {
  const calls: [string, unknown][] = [];
  const status: ConnectionStatus = { state: 'connecting', socketPath: '/x', tried: ['/x'] };
  const h: Handlers = {
    'system.status': async (a) => (calls.push(['system.status', a]), status),
    'system.setupIncus': unused,
    'agents.list': async (a) => (calls.push(['agents.list', a]), [agent('a')]),
    'agents.create': async (a) => (calls.push(['agents.create', a]), agent(a.name)),
    'agents.action': async (a) => (calls.push(['agents.action', a]), agent(a.name)),
    'agents.delete': async (a) => (calls.push(['agents.delete', a]), { name: a.name }),
    'images.list': async (a) => (calls.push(['images.list', a]), []),
    'images.delete': unused,
    'images.missing': unused,
    'images.copy': unused,
    'agents.copyTo': unused,
    'agents.move': unused,
    'servers.list': unused,
    'servers.probe': unused,
    'servers.add': unused,
    'servers.remove': unused,
    'servers.retry': unused,
    'servers.clientCertificate': unused,
    'images.build': unused,
    'images.builds': unused,
    'images.cancelBuild': unused,
    'images.dismissBuild': unused,
    'images.uploadBegin': unused,
    'images.uploadChunk': unused,
    'images.uploadCancel': unused,
    'images.import': unused,
    'agents.clone': unused,
    'snapshots.list': unused,
    'snapshots.create': unused,
    'snapshots.update': unused,
    'snapshots.delete': unused,
    'snapshots.restore': unused,
    'snapshots.schedule': unused,
    'settings.get': unused,
    'settings.update': unused,
    'operations.cancel': unused,
    'agents.setLimits': unused,
    'agents.setNetwork': unused,
    'agents.fixIsolation': unused,
    'telemetry.history': unused,
    'telemetry.focus': unused,
    'guard.get': unused,
    'guard.set': unused,
    'guard.alerts': unused,
    'guard.dismiss': unused,
    'activity.list': unused,
    'templates.list': unused,
    'templates.save': unused,
    'templates.delete': unused,
    'secrets.list': unused,
    'secrets.set': unused,
    'secrets.delete': unused,
    'agents.runStatus': unused,
    'agents.restartCommand': unused,
    'agents.setNotify': unused,
    'workspace.inspect': unused,
    'workspace.attach': unused,
    'workspace.changes': unused,
    'workspace.fileDiff': unused,
    'workspace.compare': unused,
    'workspace.fetch': unused,
    'terminals.list': async (a) => (calls.push(['terminals.list', a]), []),
    'terminals.open': unused,
    'terminals.attach': unused,
    'terminals.detach': async (a) => (calls.push(['terminals.detach', a]), {}),
    'terminals.input': async (a) => (calls.push(['terminals.input', a]), {}),
    'terminals.resize': async (a) => (calls.push(['terminals.resize', a]), {}),
    'terminals.ack': async (a) => (calls.push(['terminals.ack', a]), {}),
    'terminals.close': async (a) => (calls.push(['terminals.close', a]), {}),
    ...overrides,
  };
  return { h, calls };
}

function errorOf(reply: Awaited<ReturnType<typeof dispatch>>) {
  if (reply.ok) throw new Error(`expected an error reply, got ${JSON.stringify(reply)}`);
  return reply.error;
}

describe('dispatch: methods', () => {
  it('calls the handler with the parsed arguments', async () => {
    const { h, calls } = handlers();
    const reply = await dispatch(h, 'agents.create', { name: 'coder', image: 'enclave-agent' });
    expect(reply).toEqual({ ok: true, result: agent('coder') });
    expect(calls).toEqual([['agents.create', { name: 'coder', image: 'enclave-agent' }]]);
  });

  it('treats missing args as {} for argument-less methods', async () => {
    const { h, calls } = handlers();
    expect((await dispatch(h, 'agents.list', undefined)).ok).toBe(true);
    expect((await dispatch(h, 'agents.list', null)).ok).toBe(true);
    expect(calls).toEqual([
      ['agents.list', {}],
      ['agents.list', {}],
    ]);
  });

  it('refuses an unknown method, naming it', async () => {
    const { h, calls } = handlers();
    const err = errorOf(await dispatch(h, 'agents.explode', {}));
    expect(err.code).toBe('unknown-method');
    expect(err.message).toContain('"agents.explode"');
    expect(calls).toEqual([]);
  });

  it('refuses prototype names as methods', async () => {
    const { h } = handlers();
    for (const m of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(errorOf(await dispatch(h, m, {})).code).toBe('unknown-method');
    }
  });

  it('refuses a non-string method, naming its type', async () => {
    const { h } = handlers();
    for (const [method, shown] of [
      [42, 'number'],
      [null, 'object'],
      [undefined, 'undefined'],
      [{ toString: () => 'agents.list' }, 'object'],
      [['agents.list'], 'object'],
    ] as const) {
      const err = errorOf(await dispatch(h, method, {}));
      expect(err.code).toBe('unknown-method');
      expect(err.message).toBe(`Unknown method ${shown}.`);
    }
  });

  it('shortens a very long unknown method name in the message', async () => {
    const { h } = handlers();
    const err = errorOf(await dispatch(h, 'x'.repeat(5000), {}));
    expect(err.message.length).toBeLessThan(200);
  });
});

describe('dispatch: arguments', () => {
  it('reports the name rule for an invalid agent name', async () => {
    const { h, calls } = handlers();
    const err = errorOf(await dispatch(h, 'agents.create', { name: '1bad', image: 'enclave-agent' }));
    expect(err.code).toBe('invalid-arguments');
    expect(err.message).toContain('Invalid arguments for agents.create');
    expect(err.message).toContain('name: "1bad" starts with a digit.');
    expect(err.message).toContain(AGENT_NAME_RULE);
    expect(calls).toEqual([]);
  });

  it('reports every failing field', async () => {
    const { h } = handlers();
    const err = errorOf(await dispatch(h, 'agents.create', { name: 'a_b', image: '' }));
    expect(err.message).toContain('name: "a_b" contains "_"');
    expect(err.message).toContain('image: Choose an image.');
  });

  it('checks image references and descriptions', async () => {
    const { h } = handlers();
    expect(errorOf(await dispatch(h, 'agents.create', { name: 'a', image: '-x' })).message).toContain(
      'An image is named by its alias or fingerprint',
    );
    expect(errorOf(await dispatch(h, 'agents.create', { name: 'a', image: 'x'.repeat(257) })).message).toContain(
      'at most 256 characters',
    );
    expect(
      errorOf(await dispatch(h, 'agents.create', { name: 'a', image: 'x', description: 'd'.repeat(1025) })).message,
    ).toContain('A description is at most 1024 characters.');
    expect((await dispatch(h, 'agents.create', { name: 'a', image: 'images:debian/12', description: 'ok' })).ok).toBe(true);
  });

  it('refuses a missing required field and a wrong type', async () => {
    const { h } = handlers();
    expect(errorOf(await dispatch(h, 'agents.delete', {})).message).toMatch(/^Invalid arguments for agents.delete: name: /);
    expect(errorOf(await dispatch(h, 'agents.delete', { name: 7 })).code).toBe('invalid-arguments');
    expect(errorOf(await dispatch(h, 'agents.action', { name: 'a', action: 'explode' })).message).toContain('action:');
    expect(errorOf(await dispatch(h, 'agents.action', { name: 'a', action: 'stop', force: 'yes' })).message).toContain(
      'force:',
    );
  });

  it('refuses arguments that are not an object', async () => {
    const { h } = handlers();
    for (const args of ['agents', 42, [], true]) {
      expect(errorOf(await dispatch(h, 'agents.list', args)).code).toBe('invalid-arguments');
    }
  });

  it('refuses unexpected extra keys (strict schemas)', async () => {
    const { h, calls } = handlers();
    const err = errorOf(await dispatch(h, 'agents.create', { name: 'a', image: 'x', privileged: true }));
    expect(err.code).toBe('invalid-arguments');
    expect(err.message).toContain('privileged');
    expect(errorOf(await dispatch(h, 'agents.list', { project: 'default' })).message).toContain('project');
    expect(errorOf(await dispatch(h, 'agents.delete', { name: 'a', force: true })).code).toBe('invalid-arguments');
    expect(calls).toEqual([]);
  });

  it('refuses oversized arguments before validating them', async () => {
    const { h, calls } = handlers();
    const big = { name: 'a', image: 'x', description: 'd'.repeat(MAX_ARGS_BYTES) };
    const err = errorOf(await dispatch(h, 'agents.create', big));
    expect(err.code).toBe('too-large');
    expect(err.message).toContain(`the limit is ${MAX_ARGS_BYTES}`);
    expect(calls).toEqual([]);
  });

  it('trusts the size a transport already measured', async () => {
    const { h } = handlers();
    expect(errorOf(await dispatch(h, 'agents.list', {}, { knownSize: MAX_ARGS_BYTES + 1 })).code).toBe('too-large');
    expect((await dispatch(h, 'agents.list', {}, { knownSize: MAX_ARGS_BYTES })).ok).toBe(true);
  });

  it('refuses arguments JSON cannot carry, without throwing', async () => {
    const { h, calls } = handlers();
    const circular: Record<string, unknown> = { name: 'a' };
    circular.self = circular;
    for (const args of [circular, { name: 'a', n: 10n }]) {
      const err = errorOf(await dispatch(h, 'agents.delete', args));
      expect(err.code).toBe('invalid-arguments');
      expect(err.message).toContain('JSON');
    }
    expect(errorOf(await dispatch(h, 'agents.list', () => 1)).code).toBe('invalid-arguments');
    expect(calls).toEqual([]);
  });
});

describe('dispatch: handler errors', () => {
  const failing = (err: unknown) => handlers({ 'agents.delete': async () => Promise.reject(err) }).h;

  it('maps Incus 404 to not-found, keeping Incus message and status', async () => {
    const err = errorOf(await dispatch(failing(new IncusError('Instance not found', 404)), 'agents.delete', { name: 'a' }));
    expect(err).toEqual({ code: 'not-found', message: 'Instance not found', status: 404 });
  });

  it('maps Incus 409 to conflict', async () => {
    const err = errorOf(
      await dispatch(failing(new IncusError('Instance "a" already exists', 409)), 'agents.delete', { name: 'a' }),
    );
    expect(err).toEqual({ code: 'conflict', message: 'Instance "a" already exists', status: 409 });
  });

  it('maps other Incus statuses to incus', async () => {
    for (const status of [400, 403, 500]) {
      const err = errorOf(await dispatch(failing(new IncusError(`boom ${status}`, status)), 'agents.delete', { name: 'a' }));
      expect(err).toEqual({ code: 'incus', message: `boom ${status}`, status });
    }
  });

  it('passes EnclaveErrors through', async () => {
    const err = errorOf(await dispatch(failing(new EnclaveError('busy', 'a is busy')), 'agents.delete', { name: 'a' }));
    expect(err).toEqual({ code: 'busy', message: 'a is busy' });
  });

  it('maps an unreachable daemon to unavailable', async () => {
    const err = errorOf(
      await dispatch(failing(new IncusUnreachableError('missing', '/s', 'No Incus socket at /s.')), 'agents.delete', {
        name: 'a',
      }),
    );
    expect(err).toEqual({ code: 'unavailable', message: 'No Incus socket at /s.' });
  });

  it('maps anything else to internal, including non-Error throws', async () => {
    expect(errorOf(await dispatch(failing(new TypeError('oops')), 'agents.delete', { name: 'a' }))).toEqual({
      code: 'internal',
      message: 'oops',
    });
    expect(errorOf(await dispatch(failing('just a string'), 'agents.delete', { name: 'a' }))).toEqual({
      code: 'internal',
      message: 'just a string',
    });
  });

  it('catches handlers that throw synchronously', async () => {
    const h = handlers({
      'agents.list': (() => {
        throw new IncusError('gone', 404);
      }) as Handlers['agents.list'],
    }).h;
    expect(errorOf(await dispatch(h, 'agents.list', {})).code).toBe('not-found');
  });
});

describe('dispatch: bytes', () => {
  it('accepts terminal input as a Uint8Array and counts its size as raw bytes', async () => {
    const { h, calls } = handlers();
    const data = new Uint8Array(60 * 1024).fill(7);
    expect((await dispatch(h, 'terminals.input', { id: 't1', data })).ok).toBe(true);
    expect(calls[0]?.[1]).toEqual({ id: 't1', data });
  });

  it('refuses terminal input given as a string, saying bytes are expected', async () => {
    const { h, calls } = handlers();
    const err = errorOf(await dispatch(h, 'terminals.input', { id: 't1', data: 'ls\r' }));
    expect(err.code).toBe('invalid-arguments');
    expect(err.message).toContain('bytes');
    expect(calls).toEqual([]);
  });

  it('accepts a full-size piece of input: its bytes are bounded by the schema, not by the JSON limit', async () => {
    const { h } = handlers({ 'terminals.input': async () => ({}) });
    expect(await dispatch(h, 'terminals.input', { id: 't1', data: new Uint8Array(MAX_TERMINAL_INPUT_BYTES) })).toEqual({ ok: true, result: {} });
  });

  it('refuses input over the per-call limit', async () => {
    const { h } = handlers();
    const err = errorOf(await dispatch(h, 'terminals.input', { id: 't1', data: new Uint8Array(70 * 1024) }));
    expect(err.code).toBe('too-large');
  });

  it('passes the calling client to the handler', async () => {
    let seen: unknown = 'never called';
    const { h } = handlers({ 'terminals.list': async (_a, ctx) => ((seen = ctx.client), []) });
    const client = { id: 'c1', push: () => undefined, onClose: () => ({ dispose: () => undefined }) };
    await dispatch(h, 'terminals.list', {}, { client });
    expect(seen).toBe(client);
  });
});
