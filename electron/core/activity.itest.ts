/**
 * The activity log against the real daemon: Enclave's actions are logged when they end, as
 * done or as failed with Incus's reason, and the lifecycle events they cause are theirs for as
 * long as they run, however long that is.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/api.js';
import type { ActivityEntry, Agent, RestoreResult, Snapshot } from '../../shared/types.js';
import { execCommand } from '../incus/exec.js';
import { testBackend } from '../test-support/backend.js';
import { AGENT_IMAGE, incus, suffix, until, useTestProject } from '../test-support/project.js';
import { who } from '../test-support/actor.js';
import { failed, ok } from '../test-support/terminal-link.js';
import { dispatch } from '../transport/dispatch.js';
import { GRACE_MS } from './activity/activity-log.js';
import type { Backend } from './backend.js';

describe('the activity log against the real daemon', () => {
  const project = useTestProject();
  let backend: Backend;
  const call = (method: string, args: unknown = {}): Promise<Reply> => dispatch(backend.handlers, method, args);
  const entries = async (agent: string) => ok<ActivityEntry[]>(await call('activity.list', { agent, limit: 100 }));
  const lines = (log: ActivityEntry[]) => log.map((e) => `${who(e.actor)}: ${e.message}`);

  /**
   * What the log holds once Incus's events up to now are in: a config change by the CLI comes
   * after them in the event stream, so once it shows, every earlier event has been logged.
   */
  const settled = async (agent: string): Promise<string[]> => {
    const mark = `m${suffix()}`;
    await incus('config', 'set', agent, `user.mark=${mark}`, '--project', project.name);
    await until('the CLI change in the log', async () => (await entries(agent)).filter((e) => e.message === 'configuration changed').length > 0, 15_000);
    return lines(await entries(agent));
  };

  beforeAll(async () => {
    ({ backend } = await testBackend(project, 'activity'));
    backend.start();
    await backend.ready(15_000);
  });

  it('records a failing action as failed, with Incus\'s reason, and not as done', async () => {
    const name = `act-${suffix()}`;
    ok<Agent>(await call('agents.create', { name, image: AGENT_IMAGE }));
    const before = (await entries(name)).length;
    // Incus refuses to start a running instance.
    const err = failed(await call('agents.action', { name, action: 'start' }));
    const added = (await entries(name)).slice(before);
    expect(lines(added)).toEqual([`user: start failed: ${err.message}`]);
    expect(err.message).toMatch(/already running/i);
    expect((await settled(name)).filter((l) => l.endsWith(': started'))).toEqual([]);
  });

  it('logs a graceful stop that takes longer than a few seconds once, as the user\'s', async () => {
    const name = `act-${suffix()}`;
    ok<Agent>(await call('agents.create', { name, image: AGENT_IMAGE }));
    // busybox init runs the shutdown actions of its inittab (re-read on SIGHUP) before it halts.
    const slow = await execCommand(project.client, name, ['sh', '-c', "sed -i 's|^::shutdown:.*|::shutdown:/bin/sleep 8|' /etc/inittab && kill -HUP 1"]);
    expect(slow.exitCode).toBe(0);
    const before = (await entries(name)).length;
    const t0 = Date.now();
    expect(ok<Agent>(await call('agents.action', { name, action: 'stop' })).status).toBe('Stopped');
    console.log(`activity: graceful stop took ${Date.now() - t0} ms`);
    const log = (await settled(name)).slice(before);
    expect(log).toEqual(['user: stopped', expect.stringMatching(/^client:unix:.*: configuration changed$/)]);
  });

  it("tells the user's snapshot and rollback apart from the safety snapshot Enclave takes by itself, and from the CLI's", async () => {
    const name = `act-${suffix()}`;
    ok<Agent>(await call('agents.create', { name, image: AGENT_IMAGE }));
    const before = (await entries(name)).length;
    ok<Snapshot>(await call('snapshots.create', { agent: name, name: 'mine' }));
    await incus('snapshot', 'create', name, 'theirs', '--project', project.name);
    const { safety } = ok<RestoreResult>(await call('snapshots.restore', { agent: name, name: 'mine' }));
    // The restore may still claim a config change (it expects the key's clearing too) until its grace is over.
    await new Promise((r) => setTimeout(r, GRACE_MS + 500));
    const log = (await settled(name)).slice(before);
    expect(log).toEqual([
      'user: snapshot mine taken',
      expect.stringMatching(/^client:unix:.*: snapshot theirs taken$/),
      `automatic:safety-snapshot: safety snapshot ${safety.name} taken before restoring to mine`,
      `user: restored to mine (state before kept in ${safety.name})`,
      expect.stringMatching(/^client:unix:.*: configuration changed$/),
    ]);
  });
});
