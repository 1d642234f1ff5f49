import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { agentFixture } from '../../../shared/test-fixtures.js';
import type { Agent, ConnectionStatus, TerminalInfo } from '../../../shared/types.js';
import type { CallContext, Handlers } from '../../../shared/handlers.js';
import { EnclaveError } from '../../../shared/errors.js';
import { ServerRegistry } from './registry.js';
import { FANOUT_TIMEOUT_MS, Router } from './router.js';
import type { AppMethod, ServerStack } from './server-stack.js';

const connected: ConnectionStatus = { state: 'connected', socketPath: '/s', serverVersion: '6.0.4', project: 'p', storageDrivers: ['btrfs'], warning: null };
const down: ConnectionStatus = {
  state: 'unavailable',
  socketPath: 'https://127.0.0.1:1',
  tried: [],
  problem: 'not-responding',
  message: 'gone',
  hint: 'start it',
  nextRetryAt: '2026-01-01T00:00:00Z',
  setup: { available: false, reason: null },
};

function terminal(agent: string, id: string): TerminalInfo {
  return { id, agent, kind: 'shell', title: agent, persistent: false, notice: null, state: 'open', exitCode: null, message: null, cols: 80, rows: 24, createdAt: 'x' };
}

/** A stack as far as the router sees it: handlers that record their calls, a status and a mirror. */
function fakeStack(name: string, opts: { status?: ConnectionStatus; agents?: Agent[]; hang?: boolean } = {}) {
  const calls: [string, unknown][] = [];
  const focus: (string | null)[] = [];
  const agents = opts.agents ?? [agentFixture('a')];
  const connection = Object.assign(new EventEmitter(), { status: opts.status ?? connected });
  const handlers: Partial<Handlers> = {
    'agents.list': async () => {
      if (opts.hang) await new Promise(() => undefined);
      return agents;
    },
    'snapshots.list': async (a) => (calls.push(['snapshots.list', a]), [{ agent: a.agent, name: 's1', kind: 'manual', createdAt: '', expiresAt: null, comment: '', sizeBytes: null, restoredTo: null }]),
    'terminals.open': async (a) => (calls.push(['terminals.open', a]), terminal(a.agent, `${name}-0000-0000-0000-000000000000`.slice(0, 36))),
    'terminals.list': async () => [terminal('a', `${name}-list-0000-0000-000000000000`.slice(0, 36))],
    'terminals.input': async (a) => (calls.push(['terminals.input', a]), {}),
    'workspace.compare': async (a) => (calls.push(['workspace.compare', a]), { a: a.a, b: a.b, base: null, sameBase: false, files: [], truncated: false }),
  };
  const stack = { connection, cluster: new EventEmitter(), handlers, agents: { cached: () => agents }, telemetry: { focus: (_c: unknown, agent: string | null) => focus.push(agent) } };
  return { stack: stack as unknown as ServerStack, calls, focus };
}

const ctx: CallContext = { client: null };
const noApp = {} as Pick<Handlers, AppMethod>;

function setup(remote: Parameters<typeof fakeStack>[1] = {}) {
  const registry = new ServerRegistry();
  const local = fakeStack('local');
  const lab = fakeStack('lab', remote);
  registry.add('local', { source: 'local', address: '/s', fingerprint: null, clientCertificate: null }, local.stack);
  registry.add('lab', { source: 'enclave', address: 'https://127.0.0.1:1', fingerprint: 'f', clientCertificate: 'enclave' }, lab.stack);
  return { handlers: new Router(registry).handlers(noApp), local, lab };
}

afterEach(() => vi.useRealTimers());

describe('Router', () => {
  it('sends a ref to its server with the bare name, and answers with refs', async () => {
    const { handlers, local, lab } = setup();
    const snaps = await handlers['snapshots.list']({ agent: 'lab:a' }, ctx);
    expect(lab.calls).toEqual([['snapshots.list', { agent: 'a' }]]);
    expect(local.calls).toEqual([]);
    expect(snaps[0]?.agent).toBe('lab:a');
    await handlers['snapshots.list']({ agent: 'a' }, ctx);
    expect(local.calls).toEqual([['snapshots.list', { agent: 'a' }]]);
  });

  it('merges every server into agents.list, each agent with its server and ref', async () => {
    const { handlers } = setup();
    const list = await handlers['agents.list']({}, ctx);
    expect(list.map((a) => [a.name, a.server])).toEqual([
      ['a', 'local'],
      ['lab:a', 'lab'],
    ]);
  });

  it("answers a down server's part of agents.list from its mirror", async () => {
    const { handlers } = setup({ status: down });
    const list = await handlers['agents.list']({}, ctx);
    expect(list.map((a) => a.name)).toEqual(['a', 'lab:a']);
  });

  it("lists a down server's terminals: they live in Enclave, not in its daemon", async () => {
    const { handlers } = setup({ status: down });
    const list = await handlers['terminals.list']({}, ctx);
    expect(list.map((t) => t.agent)).toEqual(['a', 'lab:a']);
  });

  it('does not let a server that never answers hold up the list', async () => {
    vi.useFakeTimers();
    const { handlers } = setup({ hang: true });
    const pending = handlers['agents.list']({}, ctx);
    await vi.advanceTimersByTimeAsync(FANOUT_TIMEOUT_MS + 1);
    const list = await pending;
    expect(list.map((a) => a.name)).toEqual(['a', 'lab:a']);
  });

  it('refuses two agents of different servers in one call, naming both', async () => {
    const { handlers, lab, local } = setup();
    await expect(handlers['workspace.compare']({ a: 'lab:a', b: 'a' }, ctx)).rejects.toThrow(/lab:a and a are on different servers/);
    expect([...lab.calls, ...local.calls]).toEqual([]);
    const r = await handlers['workspace.compare']({ a: 'lab:a', b: 'lab:b' }, ctx);
    expect(lab.calls).toEqual([['workspace.compare', { a: 'a', b: 'b' }]]);
    expect([r.a, r.b]).toEqual(['lab:a', 'lab:b']);
  });

  it('names the servers there are when a ref names another', async () => {
    const { handlers } = setup();
    const err = await handlers['snapshots.list']({ agent: 'nope:a' }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnclaveError);
    expect((err as EnclaveError).code).toBe('not-found');
    expect((err as EnclaveError).message).toContain('servers: local, lab');
  });

  it('finds the server of an id it gave out', async () => {
    const { handlers, lab, local } = setup();
    const t = await handlers['terminals.open']({ agent: 'lab:a', kind: 'shell', cols: 80, rows: 24 }, ctx);
    expect(t.agent).toBe('lab:a');
    await handlers['terminals.input']({ id: t.id, data: new Uint8Array([1]) }, ctx);
    expect(lab.calls.map(([m]) => m)).toEqual(['terminals.open', 'terminals.input']);
    expect(local.calls).toEqual([]);
  });

  it("tells the focused agent's server its bare name and every other server none", async () => {
    const { handlers, lab, local } = setup();
    await handlers['telemetry.focus']({ agent: 'lab:a' }, ctx);
    expect(lab.focus).toEqual(['a']);
    expect(local.focus).toEqual([null]);
  });
});
