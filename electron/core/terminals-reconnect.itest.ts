import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Agent, TerminalInfo, TerminalsChange } from '../../shared/types.js';
import { execCommand } from '../incus/exec.js';
import { changeState, deleteInstance } from '../incus/instances.js';
import { recordEvents, type Recorder } from '../test-support/events.js';
import { AGENT_IMAGE, INCUS_SOCKET, suffix, until, useTestProject } from '../test-support/project.js';
import { isolatedSettingsPath } from '../test-support/backend.js';
import { SocketProxy } from '../test-support/proxy.js';
import { TestLink, failed, marker, ok, openTerminal, typeAndWait } from '../test-support/terminal-link.js';
import { Backend } from './backend.js';

const RETRY_MS = 300;
const terminalIs = (id: string, pred: (t: TerminalInfo) => boolean) => (c: TerminalsChange) =>
  c.kind === 'upsert' && c.terminal.id === id && pred(c.terminal);

describe('Terminals that outlive their connection', () => {
  const project = useTestProject();
  const agent = `keep-${suffix()}`;
  const backends: Backend[] = [];
  let dir: string;

  function startBackend(socketPath = INCUS_SOCKET): { backend: Backend; rec: Recorder } {
    const backend = new Backend({ project: project.name, socketPath, retryMs: RETRY_MS, settingsPath: isolatedSettingsPath(project, 'reconnect') });
    backends.push(backend);
    const rec = recordEvents(backend);
    backend.start();
    return { backend, rec };
  }
  /** Runs a command in the agent without a PTY. */
  const run = async (script: string) => {
    const r = await execCommand(project.client, agent, ['sh', '-c', script]);
    return { code: r.exitCode, out: r.stdout.toString() };
  };
  const processes = async () => (await run('ps -eo args')).out.split('\n').map((l) => l.trim());
  const tmuxClients = async () => (await run('tmux list-clients -t =agent 2>/dev/null')).out.split('\n').filter(Boolean).length;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enclave-term-it-'));
    project.defer(() => rm(dir, { recursive: true, force: true }));
    project.defer(() => Promise.all(backends.splice(0).map((b) => b.stop())));
    const { backend } = startBackend();
    await backend.ready(15_000);
    const created = ok<Agent>(await new TestLink(backend.handlers).call('agents.create', { name: agent, image: AGENT_IMAGE }));
    expect(created.status).toBe('Running');
    await backend.stop();
  });

  it('keeps the tmux session and its processes when the backend goes away, and shows them again', async () => {
    const first = startBackend();
    await first.backend.ready(10_000);
    const link = new TestLink(first.backend.handlers);
    const t = await openTerminal(link, agent, 'agent');
    expect(t.persistent).toBe(true);
    const m = marker('before');
    await typeAndWait(link, t.id, `sleep 4321 & ${m.command}`);
    expect(await processes()).toContain('sleep 4321');
    expect(await tmuxClients()).toBe(1);

    // Every session closed: the tmux client detaches, the agent keeps running.
    await first.backend.stop();
    await until('the tmux client to detach', async () => (await tmuxClients()) === 0, 3_000);
    expect((await run('tmux has-session -t =agent')).code).toBe(0);
    expect(await processes()).toContain('sleep 4321');

    // A new backend (the app restarted) attaches to the same session: tmux redraws it.
    const second = startBackend();
    await second.backend.ready(10_000);
    const again = new TestLink(second.backend.handlers);
    const t2 = await openTerminal(again, agent, 'agent');
    await again.waitFor(t2.id, m.text, 3_000);
    expect(await typeAndWait(again, t2.id, 'jobs')).toMatch(/sleep 4321/);
    expect(await tmuxClients()).toBe(1);
    await second.backend.stop();
  });

  it('reconnects a tmux terminal when Incus comes back, and ends a plain shell', async () => {
    const proxy = new SocketProxy(join(dir, 'proxy.socket'), INCUS_SOCKET);
    await proxy.start();
    try {
      const { backend, rec } = startBackend(proxy.path);
      await backend.ready(10_000);
      const link = new TestLink(backend.handlers);
      const tmux = await openTerminal(link, agent, 'agent');
      const shell = await openTerminal(link, agent, 'shell');
      await typeAndWait(link, tmux.id, 'true');

      const cutAt = Date.now();
      await proxy.cut();
      await rec.waitFor('terminals.changed', terminalIs(tmux.id, (i) => i.state === 'reconnecting'), 2_000, cutAt);
      const ended = await rec.waitFor('terminals.changed', terminalIs(shell.id, (i) => i.state === 'exited'), 2_000, cutAt);
      expect(ended.payload).toMatchObject({ terminal: { exitCode: null, message: expect.stringMatching(/connection to Incus was lost/) } });
      const reconnecting = ok<TerminalInfo[]>(await link.call('terminals.list')).find((i) => i.id === tmux.id);
      expect(reconnecting).toMatchObject({ state: 'reconnecting', message: expect.stringMatching(/\w/) });
      // Input is refused while away, not queued.
      const before = link.total(tmux.id);
      const refused = failed(await link.input(tmux.id, 'echo lost\r'));
      expect(refused.code).toBe('unavailable');
      expect(refused.message).toMatch(/reconnecting/);
      // A resize meanwhile is kept, and applies when it is back.
      ok(await link.call('terminals.resize', { id: tmux.id, cols: 101, rows: 31 }));
      // Stays so across several retries.
      await new Promise((r) => setTimeout(r, RETRY_MS * 3));
      expect(ok<TerminalInfo[]>(await link.call('terminals.list')).find((i) => i.id === tmux.id)?.state).toBe('reconnecting');

      const restoredAt = Date.now();
      await proxy.start();
      await rec.waitFor('terminals.changed', terminalIs(tmux.id, (i) => i.state === 'open'), 5_000, restoredAt);
      // The redraw came without the refused input, and typing works again.
      expect(link.text(tmux.id, before)).not.toContain('lost');
      await typeAndWait(link, tmux.id, 'echo back');
      // Only this one client is attached (the one cut off is gone), at the size asked meanwhile.
      await until('one tmux client', async () => (await tmuxClients()) === 1, 3_000);
      expect((await run("tmux display -p -t =agent: '#{window_width}x#{window_height}'")).out.trim()).toBe('101x30');
      // The shell stays ended.
      expect(ok<TerminalInfo[]>(await link.call('terminals.list')).find((i) => i.id === shell.id)?.state).toBe('exited');
      await backend.stop();
    } finally {
      await proxy.cut();
    }
  });

  it('forgets the terminals of an agent deleted while connected, or while Incus was away', async () => {
    const proxy = new SocketProxy(join(dir, 'gone.socket'), INCUS_SOCKET);
    await proxy.start();
    try {
      const { backend, rec } = startBackend(proxy.path);
      await backend.ready(10_000);
      const link = new TestLink(backend.handlers);
      const doomed = `doomed-${suffix()}`;
      const away = `away-${suffix()}`;
      for (const name of [doomed, away]) ok(await link.call('agents.create', { name, image: AGENT_IMAGE }));
      const t1 = await openTerminal(link, doomed, 'agent');
      const t2 = await openTerminal(link, away, 'agent');

      // Deleted through Enclave, or by anyone (an event says so): its terminals go.
      let since = Date.now();
      await changeState(project.client, doomed, 'stop', { force: true });
      await deleteInstance(project.client, doomed);
      await rec.waitFor('terminals.changed', (c) => c.kind === 'removed' && c.id === t1.id, 5_000, since);

      // Deleted while Enclave could not hear about it: the resync afterwards tells.
      await proxy.cut();
      await rec.waitFor('terminals.changed', terminalIs(t2.id, (i) => i.state === 'reconnecting'), 2_000, since);
      await changeState(project.client, away, 'stop', { force: true });
      await deleteInstance(project.client, away);
      since = Date.now();
      await proxy.start();
      await rec.waitFor('terminals.changed', (c) => c.kind === 'removed' && c.id === t2.id, 5_000, since);
      expect(ok<TerminalInfo[]>(await link.call('terminals.list')).map((i) => i.agent)).not.toContain(away);
      await backend.stop();
    } finally {
      await proxy.cut();
    }
  });
});
