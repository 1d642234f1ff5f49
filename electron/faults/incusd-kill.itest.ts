/**
 * Fault: the Incus daemon is SIGKILLed (a crash, an OOM kill) in the middle of Enclave's work,
 * and started again. The spare daemon of these tests is killed, never the machine's.
 *
 * What the user must see: every call in flight settles (an error or its result, never a
 * spinner forever), every operation reported running ends as done, failed or cancelled, the
 * status goes away from connected and comes back by itself, and afterwards every agent,
 * snapshot, setting and the terminal's earlier output are still there.
 */
import { describe, expect, it } from 'vitest';
import type { Agent, OperationProgress, Snapshot, TerminalInfo, TerminalsChange } from '../../shared/types.js';
import type { IncusEvent } from '../incus/events.js';
import { execCommand } from '../incus/exec.js';
import { until } from '../test-support/project.js';
import { spareIncusdSkipReason } from '../test-support/spare-incusd.js';
import { TestLink, marker, ok, openTerminal, typeAndWait } from '../test-support/terminal-link.js';
import { SPARE_IMAGE } from '../test-support/spare-incusd.js';
import { settles, useFaultRig } from './support.js';

const skipped = spareIncusdSkipReason();
const TITLE = 'incusd SIGKILLed and restarted (a spare daemon of the test\'s own)';

if (skipped) {
  describe(TITLE, () => {
    it(`is skipped: ${skipped}`, (ctx) => ctx.skip(skipped));
  });
}

describe.skipIf(skipped)(TITLE, () => {
  const rig = useFaultRig();
  const link = () => new TestLink(rig.backend.handlers);

  /** Resolves once Incus reports a running operation whose description matches. */
  function operationRunning(description: RegExp): Promise<void> {
    return new Promise((resolve) => {
      const onEvent = (e: IncusEvent) => {
        const op = e.metadata as { description?: string; status?: string };
        if (e.type !== 'operation' || op.status !== 'Running' || !description.test(op.description ?? '')) return;
        rig.backend.local.connection.off('event', onEvent);
        resolve();
      };
      rig.backend.local.connection.on('event', onEvent);
    });
  }

  /** Kills the daemon once `when` resolves, waits for the call to settle, starts the daemon again. */
  async function killDuring<T>(when: Promise<void>, call: Promise<T>, what: string) {
    const since = Date.now();
    await Promise.race([when, call.then(() => undefined, () => undefined)]);
    await rig.daemon.kill();
    const outcome = await settles(call, 60_000, what);
    await rig.daemon.start();
    await rig.backend.ready(30_000);
    // Every operation reported running since has ended one way or another.
    const ops = rig.rec.log.filter((r) => r.event === 'operations.progress' && r.at >= since).map((r) => r.payload as OperationProgress);
    const last = new Map(ops.map((p) => [p.id, p.state] as const));
    for (const [id, state] of last) expect(state, `operation ${id} after the kill`).not.toBe('running');
    return outcome;
  }

  const agents = async () => ok<Agent[]>(await link().call('agents.list')).map((a) => a.name).sort();
  const snapshots = async (agent: string) => ok<Snapshot[]>(await link().call('snapshots.list', { agent })).map((s) => s.name).sort();

  async function makeAgent(name: string): Promise<Agent> {
    return ok<Agent>(await link().call('agents.create', { name, image: SPARE_IMAGE }));
  }

  it('loses nothing across kills during create, snapshot, restore and clone, and reports each call', async () => {
    const keep = await makeAgent('keeper');
    expect(keep.status).toBe('Running');
    const s1 = ok<Snapshot>(await link().call('snapshots.create', { agent: 'keeper', name: 'first', comment: 'kept' }));
    expect(s1.name).toBe('first');
    const settingsBefore = await rig.backend.settings.get();

    // create
    const created = await killDuring(operationRunning(/creat/i), link().call('agents.create', { name: 'newcomer', image: SPARE_IMAGE }), 'agents.create');
    expect(created.ok).toBe(true); // the reply envelope itself
    const progress = rig.rec.of('agents.progress').filter((p) => p.name === 'newcomer');
    expect(['failed', 'ready']).toContain(progress.at(-1)?.stage);
    expect(await agents()).toContain('keeper');

    // snapshot
    await killDuring(operationRunning(/snapshot/i), link().call('snapshots.create', { agent: 'keeper', name: 'second' }), 'snapshots.create');
    expect(await snapshots('keeper')).toContain('first');

    // restore, with its safety snapshot
    // A kill in the middle of a snapshot can leave Incus's records of the agent's snapshots out
    // of step ("Instance snapshot record count doesn't match instance snapshot volume record
    // count" on every later snapshot of it), so the restore runs on an agent of its own.
    await makeAgent('restorer');
    ok<Snapshot>(await link().call('snapshots.create', { agent: 'restorer', name: 'first' }));
    const before = await snapshots('restorer');
    const restoreStart = Date.now();
    await killDuring(operationRunning(/restor/i), link().call('snapshots.restore', { agent: 'restorer', name: 'first' }), 'snapshots.restore');
    const after = await snapshots('restorer');
    for (const name of before) expect(after).toContain(name);
    // Its safety snapshot was taken before the restore began (the kill waits for the restore).
    const safetyTaken = rig.rec.log.some((r) => r.event === 'operations.progress' && r.at >= restoreStart && (r.payload as OperationProgress).action === 'snapshot' && (r.payload as OperationProgress).state === 'done');
    expect(safetyTaken).toBe(true);
    expect(after.some((n) => n.startsWith('safety-'))).toBe(true);

    // clone
    await killDuring(operationRunning(/creat|copy/i), link().call('agents.clone', { source: 'keeper', snapshot: 'first', name: 'copy' }), 'agents.clone');
    expect(await agents()).toContain('keeper');
    expect(await snapshots('restorer')).toEqual(after);

    expect(await rig.backend.settings.get()).toEqual(settingsBefore);
    // The agent kept running (or runs again) and answers.
    await until('keeper runs', async () => (await rig.backend.local.agents.reload('keeper')).status === 'Running', 30_000);
    const r = await execCommand(rig.backend.local.connection.requireClient(), 'keeper', ['true']);
    expect(r.exitCode).toBe(0);
  });

  it('reattaches open agent terminals (one of them flooding), the output from before the kill still in the scrollback', async () => {
    await makeAgent('term');
    await makeAgent('flooder');
    const viewer = link();
    const t = await openTerminal(viewer, 'term', 'agent');
    const m = marker('before-kill');
    await typeAndWait(viewer, t.id, m.command);
    // A flood runs in another agent's terminal while the daemon dies.
    const f = await openTerminal(viewer, 'flooder', 'agent');
    await viewer.input(f.id, 'base64 -w 76 /dev/urandom\r');
    const flooding = (from: number) => until('a flood of output', () => viewer.total(f.id) > from + 256 * 1024, 15_000);
    await flooding(viewer.total(f.id));

    const since = Date.now();
    const reconnecting = (id: string) =>
      rig.rec.waitFor('terminals.changed', (c: TerminalsChange) => c.kind === 'upsert' && c.terminal.id === id && c.terminal.state === 'reconnecting', 30_000, since);
    await rig.daemon.kill();
    await Promise.all([reconnecting(t.id), reconnecting(f.id)]);
    // The terminals' sockets drop first; the events stream's loss is noticed a moment later.
    await until('the backend to notice the daemon is gone', () => rig.backend.local.connection.status.state !== 'connected', 15_000);
    await rig.daemon.start();
    await rig.backend.ready(30_000);
    const state = (id: string) => rig.backend.local.terminals.list().find((x: TerminalInfo) => x.id === id)?.state;
    await until('both terminals reattached', () => state(t.id) === 'open' && state(f.id) === 'open', 30_000);

    // The flood goes on after the reattach (tmux kept it running), and stops on Ctrl-C.
    await flooding(viewer.total(f.id));
    await viewer.input(f.id, '\x03');
    await typeAndWait(viewer, f.id, marker('after-flood').command, 15_000);
    await typeAndWait(viewer, t.id, marker('after-kill').command, 15_000);

    // A window attaching now gets the output from before the kill first.
    const late = link();
    const info = ok<TerminalInfo>(await late.call('terminals.attach', { id: t.id }));
    expect(info.state).toBe('open');
    await late.waitFor(t.id, m.text, 5_000);
    expect(await agents()).toEqual(expect.arrayContaining(['term', 'flooder', 'keeper']));
  });
});
