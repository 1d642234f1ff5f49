import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent, TerminalInfo, TerminalsChange } from '../../shared/types.js';
import { execCommand } from '../incus/exec.js';
import { recordEvents, type Recorder } from '../test-support/events.js';
import { ensureIncusd, findIncusd, incusdRestartSkipReason, restartIncusd, type DaemonProcess } from '../test-support/incusd.js';
import { AGENT_IMAGE, suffix, until, useTestProject } from '../test-support/project.js';
import { testBackend } from '../test-support/backend.js';
import { TestLink, marker, ok, openTerminal, typeAndWait } from '../test-support/terminal-link.js';
import { Backend } from './backend.js';

const terminalIs = (id: string, pred: (t: TerminalInfo) => boolean) => (c: TerminalsChange) =>
  c.kind === 'upsert' && c.terminal.id === id && pred(c.terminal);

const skipped = incusdRestartSkipReason();
const TITLE = 'Terminals across a restart of incusd (the real daemon)';

if (skipped) {
  describe(TITLE, () => {
    it(`is skipped: ${skipped}`, (ctx) => ctx.skip(`incusd restart test skipped: ${skipped}`));
  });
}

describe.skipIf(skipped)(TITLE, () => {
  let daemon: DaemonProcess | null = null;
  // After-hooks run last-registered first. This one runs after the project's teardown: the
  // daemon runs at the end whatever happened, even if that teardown failed.
  afterAll(() => ensureIncusd(daemon?.argv));
  const project = useTestProject();
  // And this one before it, so the project can be deleted even if a test left the daemon down.
  afterAll(() => ensureIncusd(daemon?.argv));
  const agent = `restart-${suffix()}`;
  let backend: Backend;
  let rec: Recorder;
  const run = async (script: string) => {
    const r = await execCommand(project.client, agent, ['sh', '-c', script]);
    return { code: r.exitCode, out: r.stdout.toString().trim() };
  };

  beforeAll(async () => {
    daemon = await findIncusd();
    if (!daemon) throw new Error('incusd is not running here');
    ({ backend } = await testBackend(project, 'restart'));
    project.defer(() => backend.stop());
    rec = recordEvents(backend);
    project.defer(() => rec.stop());
    backend.start();
    await backend.ready(15_000);
    expect(ok<Agent>(await new TestLink(backend.handlers).call('agents.create', { name: agent, image: AGENT_IMAGE })).status).toBe('Running');
  });

  it('keeps the container, tmux and its processes, and reattaches the terminal by itself', async () => {
    const link = new TestLink(backend.handlers);
    const t = await openTerminal(link, agent, 'agent');
    const m = marker('before-restart');
    await typeAndWait(link, t.id, `sleep 5678 & ${m.command}`);
    const sleeper = async () => (await run("ps -eo pid=,args= | awk '$2 == \"sleep\" && $3 == \"5678\" {print $1}'")).out;
    const pid = await sleeper();
    expect(pid).toMatch(/^\d+$/);
    const tmuxPid = (await run("tmux display -p -t =agent: '#{pid}'")).out;

    const since = Date.now();
    const { before, after } = await restartIncusd();
    expect(after.pid).not.toBe(before.pid);
    daemon = after;

    await rec.waitFor('terminals.changed', terminalIs(t.id, (i) => i.state === 'reconnecting'), 10_000, since);
    await rec.waitFor('terminals.changed', terminalIs(t.id, (i) => i.state === 'open'), 20_000, since);
    // Same container (not restarted), same tmux server, same process.
    expect((await run('tmux has-session -t =agent')).code).toBe(0);
    expect((await run("tmux display -p -t =agent: '#{pid}'")).out).toBe(tmuxPid);
    expect(await sleeper()).toBe(pid);
    // The screen came back (tmux redraws it), and typing works.
    await until('the redraw to show the marker', () => link.text(t.id).split(m.text).length > 2, 5_000);
    await typeAndWait(link, t.id, 'echo typing works');
    ok(await link.call('terminals.close', { id: t.id }));
  });
});
