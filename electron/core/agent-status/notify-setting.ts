import type { Agent } from '../../../shared/types.js';
import { patchConfig } from '../../incus/instances.js';
import { USER, type ActivityLog } from '../activity/activity-log.js';
import { META_PREFIX } from '../agent-model.js';
import type { AgentMirror } from '../agent-mirror.js';
import type { Connection } from '../connection.js';

/** The agent's config key (under user.enclave.) that turns its waiting notifications off. */
export const NOTIFY_KEY = 'notify';

/** Whether an agent's "waiting for input" notifications are on: on unless its meta says 'off'. */
export function notifyOn(meta: Readonly<Record<string, string>>): boolean {
  return meta[NOTIFY_KEY] !== 'off';
}

/**
 * Stores the per-agent notification toggle on the agent in Incus (user.enclave.notify), so
 * every client (and the Electron main process) reads the same choice.
 */
export async function setNotify(
  deps: { connection: Connection; agents: Pick<AgentMirror, 'get' | 'reload'>; activity: ActivityLog },
  args: { agent: string; on: boolean },
): Promise<Agent> {
  const client = deps.connection.requireClient();
  await deps.agents.get(args.agent);
  const done = `notifications when waiting turned ${args.on ? 'on' : 'off'}`;
  try {
    await deps.activity.track(args.agent, { kind: 'lifecycle', done, failed: 'notification change failed', by: USER, expects: ['instance-updated'] }, () =>
      patchConfig(client, args.agent, { [META_PREFIX + NOTIFY_KEY]: args.on ? 'on' : 'off' }),
    );
  } catch (err) {
    deps.connection.noteFailure(err);
    throw err;
  }
  return deps.agents.reload(args.agent);
}
