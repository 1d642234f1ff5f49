import { EnclaveError } from '../../../shared/errors.js';
import { missingSecrets, secretNames, type AgentTemplate, type TemplateInfo, type TemplateList } from '../../../shared/templates.js';
import type { Agent, AgentLimits, NetworkPolicy } from '../../../shared/types.js';
import type { IncusClient } from '../../incus/client.js';
import { execCommand } from '../../incus/exec.js';
import { CLAUDE_MANAGED_SETTINGS, claudeHooksSettings } from '../agent-status/probe.js';
import type { SecretStore } from '../secrets/store.js';
import type { SessionLaunch } from './launch.js';
import type { ReadMode } from '../agent-status/classify.js';
import { TemplateRefused, type TemplateStore } from './store.js';

/** The instance key naming an agent's template (user.enclave.template). */
export const TEMPLATE_META = 'template';

/** What agents.create needs from a template, made concrete for one agent. */
export interface CreatePlan {
  image: string;
  /** undefined: the settings' default network (agents.create's own fallback). */
  network: NetworkPolicy | undefined;
  limits: Partial<AgentLimits>;
  meta: Record<string, string>;
}

/**
 * Templates as the rest of the backend uses them: what an agent made from one is created
 * with, and what its tmux session runs at each start (with its secrets, looked up then).
 */
export class TemplateService {
  constructor(
    readonly store: TemplateStore,
    private readonly secrets: SecretStore,
  ) {}

  list(): Promise<TemplateList> {
    return this.store.list();
  }

  async save(t: AgentTemplate): Promise<TemplateInfo> {
    try {
      return await this.store.save(t);
    } catch (err) {
      if (err instanceof TemplateRefused) throw new EnclaveError('conflict', err.message);
      throw err;
    }
  }

  async delete(id: string): Promise<void> {
    try {
      await this.store.delete(id);
    } catch (err) {
      if (err instanceof TemplateRefused) throw new EnclaveError(/no template/.test(err.message) ? 'not-found' : 'conflict', err.message);
      throw err;
    }
  }

  private async require(id: string): Promise<TemplateInfo> {
    const t = await this.store.get(id);
    if (!t) throw new EnclaveError('not-found', `There is no template "${id}"; it may have been deleted or its file may not load (see Templates).`);
    return t;
  }

  /**
   * The agent's image, network, limits and meta from its template, the caller's choices over
   * them. A secret the template needs but the store lacks is named before anything is created.
   */
  async plan(args: { template: string; network?: NetworkPolicy | undefined; limits?: Partial<AgentLimits> | undefined }): Promise<CreatePlan> {
    const t = await this.require(args.template);
    const missing = missingSecrets(t, await this.secrets.names());
    if (missing.length) throw new EnclaveError('invalid-arguments', missing.join(' '));
    const templateLimits = Object.fromEntries(Object.entries(t.limits).filter(([, v]) => v !== '')) as Partial<AgentLimits>;
    return {
      image: t.image,
      network: args.network ?? t.network ?? undefined,
      limits: { ...templateLimits, ...args.limits },
      meta: { [TEMPLATE_META]: t.id },
    };
  }

  /** How the agent's run state is read: its template's hooks, and whether it runs a command. */
  async readMode(agent: Agent): Promise<ReadMode> {
    const id = agent.meta[TEMPLATE_META];
    const t = id ? await this.store.get(id) : null;
    return { hooks: t?.status === 'claude-code-hooks', command: !!t && t.command !== '' };
  }

  /**
   * What the agent's session runs now: its template's command with the template's variables
   * and secrets; a login shell for an agent with no template. A template gone since the agent
   * was made gives the shell too: the agent must stay usable.
   */
  async launch(client: IncusClient, agent: Agent): Promise<SessionLaunch> {
    const id = agent.meta[TEMPLATE_META];
    const t = id ? await this.store.get(id) : null;
    if (!t || t.command === '') return { command: '', env: t ? { ...t.env, ...(await this.secrets.values(secretNames(t))) } : {} };
    if (t.status === 'claude-code-hooks') await installClaudeHooks(client, agent.name);
    return { command: t.command, env: { ...t.env, ...(await this.secrets.values(secretNames(t))) } };
  }
}

/** Claude Code's hooks, as managed settings so the user's own ~/.claude/settings.json stays theirs. */
async function installClaudeHooks(client: IncusClient, agent: string): Promise<void> {
  const dir = CLAUDE_MANAGED_SETTINGS.slice(0, CLAUDE_MANAGED_SETTINGS.lastIndexOf('/'));
  await execCommand(client, agent, ['sh', '-c', `mkdir -p ${dir} && cat > ${CLAUDE_MANAGED_SETTINGS}`], {
    stdin: new TextEncoder().encode(claudeHooksSettings()),
    timeoutMs: 10_000,
    maxOutputBytes: 16 * 1024,
  });
}
