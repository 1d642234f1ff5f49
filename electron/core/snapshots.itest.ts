import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/api.js';
import { SNAPSHOT_NAME_RULE } from '../../shared/names.js';
import type { Agent, OperationProgress, RestoreResult, Settings, Snapshot, TerminalInfo, TerminalsChange } from '../../shared/types.js';
import { execCommand } from '../incus/exec.js';
import { IncusError } from '../incus/errors.js';
import { getInstance, type Instance } from '../incus/instances.js';
import { getSnapshot, listSnapshots, rootPool, type InstanceSnapshot } from '../incus/snapshots.js';
import { recordEvents, type Recorder } from '../test-support/events.js';
import { AGENT_IMAGE, incus, suffix, until, useTestProject } from '../test-support/project.js';
import { testBackend } from '../test-support/backend.js';
import { TestLink, failed, ok, openTerminal, typeAndWait } from '../test-support/terminal-link.js';
import { dispatch } from '../transport/dispatch.js';
import type { Backend } from './backend.js';

const DAY = 86_400_000;

describe('Snapshots, rollback and clones against the real daemon', () => {
  const project = useTestProject();
  const agent = `snaps-${suffix()}`;
  let backend: Backend;
  let rec: Recorder;
  let configDir: string;
  const call = (method: string, args: unknown = {}): Promise<Reply> => dispatch(backend.handlers, method, args);

  /** Runs a shell line in the agent without a PTY. */
  const sh = async (name: string, script: string) => {
    const r = await execCommand(project.client, name, ['sh', '-c', script]);
    return { code: r.exitCode, out: r.stdout.toString().trim(), err: r.stderr.toString().trim() };
  };
  const readMarker = async (name: string) => (await sh(name, 'cat /root/marker.txt 2>/dev/null || echo MISSING')).out;
  const hasTmux = async (name: string) => (await sh(name, 'tmux has-session -t =agent')).code === 0;
  const cliGet = async (name: string, key: string) => (await incus('config', 'get', name, key, '--project', project.name)).trim();
  /** Snapshot names as Incus lists them, oldest first. */
  const incusNames = async (name = agent) => {
    const out = await incus('query', `/1.0/instances/${name}/snapshots?recursion=1&project=${project.name}`);
    return (JSON.parse(out) as InstanceSnapshot[]).map((s) => s.name);
  };
  /** The volume snapshot's description, where Incus 6.0 keeps a snapshot's comment. */
  const description = async (snap: string, name = agent) => {
    const pool = await rootPool(project.client, name);
    const out = await incus('query', `/1.0/storage-pools/${pool}/volumes/container/${name}/snapshots/${snap}?project=${project.name}`);
    return (JSON.parse(out) as { description: string }).description;
  };
  const snapshotGone = async (snap: string, name = agent) => {
    try {
      await getSnapshot(project.client, name, snap);
      return false;
    } catch (err) {
      return err instanceof IncusError && err.status === 404;
    }
  };
  const list = async (name = agent) => ok<Snapshot[]>(await call('snapshots.list', { agent: name }));

  beforeAll(async () => {
    // Registered first, so it runs last, just before the project is destroyed: other suites on
    // this machine restart incusd, and a destroy while it is down would leave the project.
    project.defer(() => until('incusd to answer', () => project.client.get('/1.0').then(() => true, () => false), 14_000));
    ({ backend, configDir } = await testBackend(project, 'snap'));
    expect(backend.settings.path).toBe(join(configDir, 'settings.json'));
    project.defer(() => backend.stop());
    rec = recordEvents(backend);
    project.defer(() => rec.stop());
    backend.start();
    await backend.ready(15_000);
    expect(ok<Agent>(await call('agents.create', { name: agent, image: AGENT_IMAGE })).status).toBe('Running');
  });

  it('creates snapshots: auto name, explicit name with a comment, refusals; lists them by time', async () => {
    const auto = ok<Snapshot>(await call('snapshots.create', { agent }));
    expect(auto).toMatchObject({ agent, kind: 'manual', comment: '', expiresAt: null });
    expect(auto.name).toMatch(/^snap-\d{8}-\d{6}(-\d+)?$/);
    expect(Math.abs(Date.parse(auto.createdAt) - Date.now())).toBeLessThan(60_000);

    const named = ok<Snapshot>(await call('snapshots.create', { agent, name: 'first', comment: 'before the refactor' }));
    expect(named).toMatchObject({ agent, name: 'first', kind: 'manual', comment: 'before the refactor', expiresAt: null });
    expect(await description('first')).toBe('[first] before the refactor');

    // A second auto name in the same second does not collide.
    const auto2 = ok<Snapshot>(await call('snapshots.create', { agent }));
    expect(auto2.name).not.toBe(auto.name);

    const dup = failed(await call('snapshots.create', { agent, name: 'first' }));
    expect(dup.code).toBe('conflict');
    expect(dup.message).toContain('"first"');
    for (const bad of ['bad/name', '.hidden', 'x'.repeat(64), 'has space', '']) {
      const err = failed(await call('snapshots.create', { agent, name: bad }));
      expect(err.code).toBe('invalid-arguments');
      expect(err.message).toContain(SNAPSHOT_NAME_RULE);
    }
    expect(failed(await call('snapshots.create', { agent: 'no-such-agent' })).code).toBe('not-found');

    const listed = await list();
    const mine = [auto.name, 'first', auto2.name];
    expect(listed.map((s) => s.name).filter((n) => mine.includes(n))).toEqual(mine);
    expect(listed.map((s) => s.name)).toEqual(await incusNames());
    expect(listed.find((s) => s.name === 'first')?.comment).toBe('before the refactor');
    const times = listed.map((s) => s.createdAt);
    expect(times.every((t, i) => i === 0 || Date.parse(t) >= Date.parse(times[i - 1] as string))).toBe(true);
  });

  it('pushes snapshots.changed for a snapshot made with the incus CLI once the agent was listed', async () => {
    await list();
    const since = Date.now();
    await incus('snapshot', 'create', agent, 'from-cli', '--project', project.name);
    const got = await rec.waitFor('snapshots.changed', (c) => c.agent === agent && c.snapshots.some((s) => s.name === 'from-cli'), 5_000, since);
    expect(got.payload.snapshots.map((s) => s.name)).toEqual(await incusNames());
    // The list answers from what the events keep current.
    expect((await list()).map((s) => s.name)).toContain('from-cli');
    // And a CLI delete, too.
    const before = Date.now();
    await incus('snapshot', 'delete', agent, 'from-cli', '--project', project.name);
    await rec.waitFor('snapshots.changed', (c) => c.agent === agent && !c.snapshots.some((s) => s.name === 'from-cli'), 5_000, before);
  });

  it('answers a list right after a change with that change (read your writes)', async () => {
    await list();
    ok(await call('snapshots.create', { agent, name: 'ryw' }));
    expect((await list()).map((s) => s.name)).toContain('ryw');
    ok(await call('snapshots.update', { agent, name: 'ryw', newName: 'ryw-2', comment: 'seen' }));
    const after = await list();
    expect(after.map((s) => s.name)).not.toContain('ryw');
    expect(after.find((s) => s.name === 'ryw-2')?.comment).toBe('seen');
    ok(await call('snapshots.delete', { agent, name: 'ryw-2' }));
    expect((await list()).map((s) => s.name)).not.toContain('ryw-2');
    expect((await list()).map((s) => s.name)).toEqual(await incusNames());
  });

  it('ends a burst of outside changes with the list Incus has', async () => {
    await list();
    const burst = ['b1', 'b2', 'b3', 'b4', 'b5'];
    // One after another: Incus 6.0.4 fails concurrent snapshots of one instance ("Instance
    // snapshot record count doesn't match instance snapshot volume record count").
    for (const n of burst) await incus('snapshot', 'create', agent, n, '--project', project.name);
    for (const n of burst.slice(0, 3)) await incus('snapshot', 'delete', agent, n, '--project', project.name);
    const names = await incusNames();
    await until('the pushed list to match Incus', () => {
      const last = rec.of('snapshots.changed').filter((c) => c.agent === agent).at(-1);
      return JSON.stringify(last?.snapshots.map((s) => s.name)) === JSON.stringify(names);
    }, 5_000);
    // Nothing stale arrives after it: one more outside change is read after any read still
    // under way (one read at a time per agent), so once its list came, every list pushed in
    // between is the one Incus had.
    const matched = rec.of('snapshots.changed').filter((c) => c.agent === agent).length;
    await incus('snapshot', 'create', agent, 'b-after', '--project', project.name);
    await until('the list with the later change', () => rec.of('snapshots.changed').some((c) => c.agent === agent && c.snapshots.some((s) => s.name === 'b-after')), 5_000);
    const between = rec
      .of('snapshots.changed')
      .filter((c) => c.agent === agent)
      .slice(matched)
      .filter((c) => !c.snapshots.some((s) => s.name === 'b-after'));
    for (const c of between) expect(c.snapshots.map((s) => s.name)).toEqual(names);
    expect((await list()).map((s) => s.name)).toEqual([...names, 'b-after']);
    for (const n of [...burst.slice(3), 'b-after']) await incus('snapshot', 'delete', agent, n, '--project', project.name);
  });

  it('updates a snapshot: rename, comment, expiry set and cleared', async () => {
    ok(await call('snapshots.create', { agent, name: 'to-edit', comment: 'old comment' }));
    ok(await call('snapshots.create', { agent, name: 'edit-other' }));

    const renamed = ok<Snapshot>(await call('snapshots.update', { agent, name: 'to-edit', newName: 'edited' }));
    expect(renamed).toMatchObject({ name: 'edited', comment: 'old comment' });
    expect(await snapshotGone('to-edit')).toBe(true);
    expect((await getSnapshot(project.client, agent, 'edited')).name).toBe('edited');
    expect(await description('edited')).toBe('[edited] old comment');

    const commented = ok<Snapshot>(await call('snapshots.update', { agent, name: 'edited', comment: 'new comment' }));
    expect(commented.comment).toBe('new comment');
    expect(await description('edited')).toBe('[edited] new comment');

    const at = new Date(Date.now() + 2 * DAY);
    at.setUTCMilliseconds(0);
    const expiring = ok<Snapshot>(await call('snapshots.update', { agent, name: 'edited', expiresAt: at.toISOString() }));
    expect(Date.parse(expiring.expiresAt ?? '')).toBe(at.getTime());
    expect(Date.parse((await getSnapshot(project.client, agent, 'edited')).expires_at)).toBe(at.getTime());
    expect(expiring.comment).toBe('new comment');

    const cleared = ok<Snapshot>(await call('snapshots.update', { agent, name: 'edited', expiresAt: null }));
    expect(cleared.expiresAt).toBeNull();
    expect((await getSnapshot(project.client, agent, 'edited')).expires_at).toMatch(/^0001-01-01/);

    // Several at once, and the refusals.
    const all = ok<Snapshot>(await call('snapshots.update', { agent, name: 'edited', newName: 'edited-2', comment: '', expiresAt: at.toISOString() }));
    expect(all).toMatchObject({ name: 'edited-2', comment: '' });
    expect(Date.parse(all.expiresAt ?? '')).toBe(at.getTime());
    expect(failed(await call('snapshots.update', { agent, name: 'edited-2', newName: 'edit-other' })).code).toBe('conflict');
    expect(failed(await call('snapshots.update', { agent, name: 'missing', comment: 'x' })).code).toBe('not-found');
    expect(failed(await call('snapshots.update', { agent, name: 'edited-2', expiresAt: 'tomorrow' })).code).toBe('invalid-arguments');
    expect(await incusNames()).toContain('edited-2');
  });

  it('deletes a snapshot', async () => {
    ok(await call('snapshots.create', { agent, name: 'doomed' }));
    expect(ok(await call('snapshots.delete', { agent, name: 'doomed' }))).toEqual({});
    expect(await snapshotGone('doomed')).toBe(true);
    expect(await incusNames()).not.toContain('doomed');
    expect(failed(await call('snapshots.delete', { agent, name: 'doomed' })).code).toBe('not-found');
    await until('the list to drop it', async () => !(await list()).some((s) => s.name === 'doomed'), 5_000);
  });

  it('restores with a safety snapshot that undoes it; the agent runs with its tmux session', async () => {
    expect((await sh(agent, 'echo restored-content > /root/marker.txt')).code).toBe(0);
    ok(await call('snapshots.create', { agent, name: 'with-file' }));
    expect((await sh(agent, 'rm /root/marker.txt')).code).toBe(0);
    expect(await readMarker(agent)).toBe('MISSING');

    const t0 = Date.now();
    const restored = ok<RestoreResult>(await call('snapshots.restore', { agent, name: 'with-file' }));
    expect(restored.agent).toMatchObject({ name: agent, status: 'Running' });
    expect(await readMarker(agent)).toBe('restored-content');
    // The reply does not wait for the tmux start; it follows.
    await until('the tmux session after the restore', () => hasTmux(agent), 15_000);
    expect((await getInstance(project.client, agent)).status).toBe('Running');

    const safety = restored.safety;
    expect(safety).toMatchObject({ agent, kind: 'safety', comment: 'Safety snapshot before restoring to with-file' });
    expect(safety.name).toMatch(/^safety-\d{8}-\d{6}(-\d+)?$/);
    expect(Math.abs(Date.parse(safety.expiresAt ?? '') - (t0 + 7 * DAY))).toBeLessThan(60_000);
    expect(Date.parse((await getSnapshot(project.client, agent, safety.name)).expires_at)).toBe(Date.parse(safety.expiresAt ?? ''));
    expect((await list()).find((s) => s.name === safety.name)?.kind).toBe('safety');

    // Keep safety snapshots one day from now on; undo the rollback.
    expect(ok<Settings>(await call('settings.update', { safetyExpiry: '1d' })).safetyExpiry).toBe('1d');
    const t1 = Date.now();
    const undone = ok<RestoreResult>(await call('snapshots.restore', { agent, name: safety.name }));
    expect(undone.agent.status).toBe('Running');
    expect(await readMarker(agent)).toBe('MISSING');
    await until('the tmux session after the undo', () => hasTmux(agent), 15_000);
    expect(undone.safety.kind).toBe('safety');
    expect(undone.safety.name).not.toBe(safety.name);
    expect(Math.abs(Date.parse(undone.safety.expiresAt ?? '') - (t1 + DAY))).toBeLessThan(60_000);
    expect(await incusNames()).toEqual(expect.arrayContaining([safety.name, undone.safety.name]));

    expect(failed(await call('snapshots.restore', { agent, name: 'no-such-snapshot' })).code).toBe('not-found');
    ok(await call('settings.update', { safetyExpiry: '7d' }));

    // A restore copies the restored snapshot's comment onto the volume; snapshots taken
    // afterwards, by Enclave or by Incus's schedule (here: the CLI), must not inherit it.
    await incus('snapshot', 'create', agent, 'after-restore', '--project', project.name);
    const mine = ok<Snapshot>(await call('snapshots.create', { agent }));
    expect(mine.comment).toBe('');
    await expect
      .poll(async () => (await list()).filter((s) => s.name === 'after-restore' || s.name === mine.name).map((s) => s.comment))
      .toEqual(['', '']);
  });

  it("keeps a restore's target in Incus: editing the safety snapshot's comment (in Enclave or by hand) leaves the restore on the timeline", async () => {
    const name = `facts-${suffix()}`;
    ok<Agent>(await call('agents.create', { name, image: AGENT_IMAGE }));
    ok(await call('snapshots.create', { agent: name, name: 'target' }));
    const { safety } = ok<RestoreResult>(await call('snapshots.restore', { agent: name, name: 'target' }));
    expect(safety).toMatchObject({ kind: 'safety', restoredTo: 'target' });
    // On the safety snapshot itself, and no longer on the instance.
    expect((await getSnapshot(project.client, name, safety.name)).config?.['user.enclave.restoring-to']).toBe('target');
    expect((await getInstance(project.client, name)).config['user.enclave.restoring-to']).toBeUndefined();

    const updated = ok<Snapshot>(await call('snapshots.update', { agent: name, name: safety.name, comment: 'before the big refactor' }));
    expect(updated).toMatchObject({ comment: 'before the big refactor', restoredTo: 'target' });
    // By hand: the comment is the volume snapshot's description.
    const pool = await rootPool(project.client, name);
    await incus('query', '-X', 'PATCH', `/1.0/storage-pools/${pool}/volumes/container/${name}/snapshots/${safety.name}?project=${project.name}`, '-d', '{"description":"hand-edited"}');
    await expect.poll(async () => (await list(name)).find((s) => s.name === safety.name)?.comment).toBe('hand-edited');
    expect((await list(name)).find((s) => s.name === safety.name)?.restoredTo).toBe('target');

    // An undo restores a safety snapshot, whose config holds the key: it does not stay on the instance.
    const undo = ok<RestoreResult>(await call('snapshots.restore', { agent: name, name: safety.name }));
    expect(undo.safety.restoredTo).toBe(safety.name);
    expect(undo.agent.meta['restoring-to']).toBeUndefined();
    expect((await getInstance(project.client, name)).config['user.enclave.restoring-to']).toBeUndefined();
    const after = ok<Snapshot>(await call('snapshots.create', { agent: name, name: 'after-undo' }));
    expect(after.restoredTo).toBeNull();
    expect((await list(name)).map((s) => [s.name, s.restoredTo])).toEqual([
      ['target', null],
      [safety.name, 'target'],
      [undo.safety.name, safety.name],
      ['after-undo', null],
    ]);

    // A clone of a safety snapshot: its source as a fact, and none of the snapshot's restore key.
    const clone = ok<Agent>(await call('agents.clone', { source: name, snapshot: safety.name, name: `facts-${suffix()}` }));
    expect(clone.clonedFrom).toEqual({ agent: name, snapshot: safety.name });
    expect((await getInstance(project.client, clone.name)).config['user.enclave.restoring-to']).toBeUndefined();
    ok(await call('agents.delete', { name: clone.name }));
    ok(await call('agents.delete', { name }));
  });

  it('reattaches an open agent terminal by itself after a restore', async () => {
    expect((await sh(agent, 'echo reattach-content > /root/marker.txt')).code).toBe(0);
    ok(await call('snapshots.create', { agent, name: 'for-reattach' }));
    expect((await sh(agent, 'rm /root/marker.txt')).code).toBe(0);
    const link = new TestLink(backend.handlers);
    const term = await openTerminal(link, agent, 'agent');
    expect(term.persistent).toBe(true);
    await typeAndWait(link, term.id, 'echo before-restore');
    const isTerm = (pred: (t: TerminalInfo) => boolean) => (c: TerminalsChange) => c.kind === 'upsert' && c.terminal.id === term.id && pred(c.terminal);

    expect(term.rolledBack).toBeNull();

    const since = Date.now();
    ok(await call('snapshots.restore', { agent, name: 'for-reattach' }));
    const away = await rec.waitFor('terminals.changed', isTerm((t) => t.state === 'reconnecting'), 5_000, since);
    const back = await rec.waitFor('terminals.changed', isTerm((t) => t.state === 'open'), 10_000, away.at);
    expect(back.at).toBeGreaterThanOrEqual(away.at);
    // The reattach says which restore brought it (windows keep what they showed before it), in
    // the same change as 'open', so before any output of the new session.
    expect(back.payload.kind === 'upsert' && back.payload.terminal.rolledBack).toMatchObject({ snapshot: 'for-reattach' });
    expect(rec.of('terminals.changed').filter((c) => c.kind === 'upsert' && c.terminal.id === term.id && c.terminal.state === 'reconnecting' && c.terminal.rolledBack)).toEqual([]);
    // Input reaches the restored agent's shell: the marker round trip, and the file is there.
    expect(await typeAndWait(link, term.id, 'cat /root/marker.txt', 5_000)).toContain('reattach-content');
    ok(await link.call('terminals.close', { id: term.id }));
    // The terminal and the restore's own tmux start did not trip over each other.
    const complaints = rec.of('agents.progress').filter((p) => /did not start/.test(p.detail));
    expect(complaints.map((p) => p.detail)).toEqual([]);
  });

  it('restores a frozen agent to running (its processes ended) and leaves a stopped one stopped, as the confirmation says', async () => {
    const name = `thaw-${suffix()}`;
    ok<Agent>(await call('agents.create', { name, image: AGENT_IMAGE }));
    ok(await call('snapshots.create', { agent: name, name: 'good' }));
    expect((await sh(name, 'sleep 4321 >/dev/null 2>&1 & echo started')).out).toBe('started');
    expect((await sh(name, 'pgrep -f "sleep [4]321" || echo none')).out).toMatch(/^\d+$/);
    ok<Agent>(await call('agents.action', { name, action: 'freeze' }));
    expect((await getInstance(project.client, name)).status).toBe('Frozen');

    const thawed = ok<RestoreResult>(await call('snapshots.restore', { agent: name, name: 'good' }));
    expect(thawed.agent.status).toBe('Running');
    expect((await getInstance(project.client, name)).status).toBe('Running');
    expect((await sh(name, 'pgrep -f "sleep [4]321" || echo none')).out).toBe('none');
    await until('the tmux session after restoring a frozen agent', () => hasTmux(name), 15_000);

    ok<Agent>(await call('agents.action', { name, action: 'stop', force: true }));
    const stayed = ok<RestoreResult>(await call('snapshots.restore', { agent: name, name: 'good' }));
    expect(stayed.agent.status).toBe('Stopped');
    expect((await getInstance(project.client, name)).status).toBe('Stopped');
    ok(await call('agents.delete', { name }));
  });

  it('refuses a restore and a snapshot at once as busy, leaving a consistent list', async () => {
    const safetyCount = async () => (await incusNames()).filter((n) => n.startsWith('safety-')).length;
    ok(await call('snapshots.create', { agent, name: 'race-base' }));

    // The snapshot first: the restore is refused and takes no safety snapshot.
    let safeties = await safetyCount();
    const [created, refused] = await Promise.all([
      call('snapshots.create', { agent, name: 'race-1' }),
      call('snapshots.restore', { agent, name: 'race-base' }),
    ]);
    expect(ok<Snapshot>(created).name).toBe('race-1');
    const busy = failed(refused);
    expect(busy.code).toBe('busy');
    expect(busy.message).toContain('being snapshotted');
    expect(await safetyCount()).toBe(safeties);

    // The restore first: the snapshot is refused and not made.
    // (A restore first lets an earlier restore's tmux start end: the snapshot is asked for once
    // the restore holds the lock, as its safety snapshot shows.)
    safeties = await safetyCount();
    const since = Date.now();
    const restoring = call('snapshots.restore', { agent, name: 'race-base' });
    await rec.waitFor('operations.progress', (p) => p.agent === agent && p.action === 'snapshot' && p.state === 'running', 10_000, since);
    const refused2 = await call('snapshots.create', { agent, name: 'race-2' });
    const restored = await restoring;
    expect(ok<RestoreResult>(restored).agent.status).toBe('Running');
    const busy2 = failed(refused2);
    expect(busy2.code).toBe('busy');
    expect(busy2.message).toContain('being restored');
    expect(await incusNames()).not.toContain('race-2');
    expect(await safetyCount()).toBe(safeties + 1);

    // What Enclave lists is what Incus has, once the events settled.
    const names = await incusNames();
    await until('the list to match Incus', async () => JSON.stringify((await list()).map((s) => s.name)) === JSON.stringify(names), 5_000);
    await until('the tmux session after the restore', () => hasTmux(agent), 15_000);
  });

  it('sets the schedule: presets, a cron line, off; refuses an invalid one; applies defaults to new agents', async () => {
    const set = async (schedule: string, expiry: string) => {
      const a = ok<Agent>(await call('snapshots.schedule', { agent, schedule, expiry }));
      expect(a.snapshotSchedule).toEqual({ schedule, expiry });
      expect(await cliGet(agent, 'snapshots.schedule')).toBe(schedule);
      expect(await cliGet(agent, 'snapshots.expiry')).toBe(expiry);
      expect(await cliGet(agent, 'snapshots.pattern')).toBe('auto-%d');
    };
    await set('@hourly', '1d');
    await set('@daily', '1w');
    await set('0 */6 * * *', '3d');
    await set('0 9 * * 1-5, @midnight', '2d');
    await set('15 3 * * 1-5', '');
    for (const bad of ['61 * * * *', '* * * *', '@every 1h', '0 0 * * 7']) {
      const err = failed(await call('snapshots.schedule', { agent, schedule: bad, expiry: '' }));
      expect(err.code).toBe('invalid-arguments');
      expect(err.message).toContain('A schedule is empty (off)');
    }
    expect(failed(await call('snapshots.schedule', { agent, schedule: '@daily', expiry: '7 days' })).code).toBe('invalid-arguments');
    expect(await cliGet(agent, 'snapshots.schedule')).toBe('15 3 * * 1-5');
    await set('', '');

    // Defaults from the settings apply when an agent is created.
    const defaults = { schedule: '0 */6 * * *', expiry: '2d' };
    expect(ok<Settings>(await call('settings.update', { snapshotDefaults: defaults })).snapshotDefaults).toEqual(defaults);
    expect(ok<Settings>(await call('settings.get'))).toMatchObject({ snapshotDefaults: defaults, safetyExpiry: '7d' });
    expect(failed(await call('settings.update', { snapshotDefaults: { schedule: '0 24 * * *', expiry: '' } })).code).toBe('invalid-arguments');
    const fresh = `sched-${suffix()}`;
    try {
      const created = ok<Agent>(await call('agents.create', { name: fresh, image: AGENT_IMAGE }));
      expect(created.snapshotSchedule).toEqual(defaults);
      expect(await cliGet(fresh, 'snapshots.schedule')).toBe(defaults.schedule);
      expect(await cliGet(fresh, 'snapshots.expiry')).toBe(defaults.expiry);
      expect(await cliGet(fresh, 'snapshots.pattern')).toBe('auto-%d');
      // The schedule's expiry is for its own snapshots: one the user takes is kept until deleted.
      const mine = ok<Snapshot>(await call('snapshots.create', { agent: fresh, name: 'mine' }));
      expect(mine.expiresAt).toBeNull();
      expect((await getSnapshot(project.client, fresh, 'mine')).expires_at).toMatch(/^0001-01-01/);
      // While one made by Incus itself (as the schedule does) takes the expiry.
      await incus('snapshot', 'create', fresh, 'by-incus', '--project', project.name);
      const theirs = Date.parse((await getSnapshot(project.client, fresh, 'by-incus')).expires_at);
      expect(theirs - Date.now()).toBeGreaterThan(47 * 3600_000);
    } finally {
      ok(await call('settings.update', { snapshotDefaults: { schedule: '', expiry: '' } }));
      await call('agents.delete', { name: fresh });
    }
  });

  it('clones from a snapshot and from the live agent: running, same config, its own files', async () => {
    await incus('config', 'set', agent, 'limits.memory=256MiB', '--project', project.name);
    expect((await sh(agent, 'echo at-snapshot > /root/marker.txt')).code).toBe(0);
    ok(await call('snapshots.create', { agent, name: 'for-clone' }));
    expect((await sh(agent, 'echo live > /root/marker.txt')).code).toBe(0);

    const source = await getInstance(project.client, agent);
    /** Config keys a clone must share with its source: all but Incus's volatile ones and the clone's own marks. */
    const own = (inst: Instance) =>
      Object.fromEntries(
        Object.entries(inst.config).filter(
          ([k]) => !k.startsWith('volatile.') && k !== 'user.enclave.created-at' && k !== 'user.enclave.cloned-from',
        ),
      );

    const fromSnap = `clone-${suffix()}`;
    const c1 = ok<Agent>(await call('agents.clone', { source: agent, snapshot: 'for-clone', name: fromSnap }));
    expect(c1).toMatchObject({ name: fromSnap, status: 'Running', clonedFrom: { agent, snapshot: 'for-clone' }, image: AGENT_IMAGE });
    expect(await readMarker(fromSnap)).toBe('at-snapshot');
    expect(await hasTmux(fromSnap)).toBe(true);
    const inst1 = await getInstance(project.client, fromSnap);
    expect(inst1.config['limits.memory']).toBe('256MiB');
    expect(inst1.config['user.enclave.image']).toBe(source.config['user.enclave.image']);
    expect(own(inst1)).toEqual(own(source));
    expect(Date.parse(inst1.config['user.enclave.created-at'] ?? '')).toBeGreaterThan(Date.parse(source.config['user.enclave.created-at'] ?? ''));
    // Only the instance is copied, not the source's snapshots.
    expect(await listSnapshots(project.client, fromSnap)).toEqual([]);

    const live = `clone-${suffix()}`;
    const c2 = ok<Agent>(await call('agents.clone', { source: agent, name: live }));
    expect(c2).toMatchObject({ name: live, status: 'Running', clonedFrom: { agent, snapshot: null } });
    expect(await readMarker(live)).toBe('live');
    expect(await hasTmux(live)).toBe(true);
    expect(own(await getInstance(project.client, live))).toEqual(own(source));
    // The source is untouched and still running.
    expect(await readMarker(agent)).toBe('live');
    expect((await getInstance(project.client, agent)).status).toBe('Running');


    for (const taken of [agent, fromSnap]) {
      const err = failed(await call('agents.clone', { source: agent, snapshot: 'for-clone', name: taken }));
      expect(err.code).toBe('conflict');
      expect(err.message).toContain(taken);
    }
    expect(failed(await call('agents.clone', { source: agent, snapshot: 'missing', name: `clone-${suffix()}` })).code).toBe('not-found');
    expect(ok<Agent[]>(await call('agents.list')).map((a) => a.name).sort()).toEqual([agent, fromSnap, live].sort());
  });

  it('reports each snapshot, restore and clone as running, then done, with its agent', async () => {
    const since = Date.now();
    ok(await call('snapshots.create', { agent, name: 'for-progress' }));
    ok(await call('snapshots.restore', { agent, name: 'for-progress' }));
    const clone = `clone-${suffix()}`;
    ok(await call('agents.clone', { source: agent, snapshot: 'for-progress', name: clone }));

    const progress = rec.log.filter((r) => r.at >= since && r.event === 'operations.progress').map((r) => r.payload as OperationProgress);
    const byId = new Map<string, OperationProgress[]>();
    for (const p of progress) byId.set(p.id, [...(byId.get(p.id) ?? []), p]);
    const actions: string[] = [];
    for (const [id, seq] of byId) {
      expect(seq[0], id).toMatchObject({ state: 'running' });
      expect(seq.at(-1)?.state, `${id}: ${JSON.stringify(seq)}`).toBe('done');
      expect(new Set(seq.map((p) => p.agent)).size).toBe(1);
      expect(new Set(seq.map((p) => p.action)).size).toBe(1);
      actions.push(`${seq[0]?.action}:${seq[0]?.agent}`);
    }
    // The snapshot, the restore's safety snapshot, the restore, the clone: each once.
    expect(actions.sort()).toEqual([`clone:${clone}`, `restore:${agent}`, `snapshot:${agent}`, `snapshot:${agent}`].sort());
    ok(await call('agents.delete', { name: clone }));

    const err = failed(await call('operations.cancel', { id: '00000000-0000-4000-8000-000000000000' }));
    expect(err.code).toBe('not-found');
    expect(failed(await call('operations.cancel', { id: 'not-an-id' })).code).toBe('invalid-arguments');
  });
});
