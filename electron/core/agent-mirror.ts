import type { ActivityActor, Agent, AgentAction, AgentsChange } from '../../shared/types.js';
import type { IncusClient } from '../incus/client.js';

/**
 * What the other services use of the agents' mirror (AgentService implements it). Each takes
 * only the part it needs (`Pick<AgentMirror, 'reload'>`…), with the agents' locks and the
 * activity log given apart, so no service reaches through AgentService for them.
 */
export interface AgentMirror {
  /** Re-reads one agent from Incus and tells the renderers. */
  reload(name: string): Promise<Agent>;
  /** One agent, from the mirror when it has it. */
  get(name: string): Promise<Agent>;
  /** The mirror as it is now, without asking Incus. */
  cached(): Agent[];
  /** Whether the name is taken, asking Incus when the mirror does not know it. */
  exists(name: string): Promise<boolean>;
  on(event: 'changed', listener: (change: AgentsChange) => void): unknown;
}

/** Starts an agent's tmux session; never fails (a failure is reported as progress). */
export interface AgentSessions {
  startAgentSession(client: IncusClient, agent: Agent): Promise<void>;
}

/** A lifecycle action on an agent, under its lock; `by` names who asked, for the activity log. */
export interface AgentActions {
  action(args: { name: string; action: AgentAction; force?: boolean | undefined }, by: ActivityActor): Promise<Agent>;
}
