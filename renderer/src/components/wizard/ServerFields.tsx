import { useId } from 'react';
import { memberChoices } from '../../lib/cluster-format.js';
import { compareServers } from '../../lib/server-groups.js';
import { creatableServers, draftOnServer } from '../../lib/wizard.js';
import type { StepProps } from './step-props.js';

/**
 * On the name step, with more than one server: where the agent is made (connected servers
 * only), and on a cluster, which member (or Incus's placement).
 */
export function ServerFields({ draft, change, template, context }: Pick<StepProps, 'draft' | 'change' | 'template' | 'context'>) {
  const serverId = useId();
  const memberId = useId();
  const memberHintId = useId();
  const servers = context.servers ?? [];
  if (servers.length <= 1) return null;
  const choices = creatableServers(servers).sort((a, b) => compareServers(a.name, b.name));
  const chosen = servers.find((s) => s.name === draft.server);
  const cluster = chosen?.status.state === 'connected' ? chosen.cluster : null;
  const unavailable = servers.filter((s) => s.status.state !== 'connected');
  return (
    <div className="wizard-placement" data-testid="wizard-placement">
      <div className="field">
        <label htmlFor={serverId}>Server</label>
        <select
          id={serverId}
          data-testid="agent-server"
          value={draft.server}
          onChange={(event) => change(draftOnServer(draft, event.target.value, template?.namePrefix ?? 'agent', context.taken))}
        >
          {!chosen || chosen.status.state !== 'connected' ? <option value={draft.server}>{draft.server} (not connected)</option> : null}
          {choices.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
              {s.cluster ? ` (cluster of ${s.cluster.length})` : ''}
            </option>
          ))}
        </select>
        <p className="field-hint">
          {unavailable.length > 0
            ? `Only connected servers are offered; ${unavailable.map((s) => s.name).join(', ')} ${unavailable.length === 1 ? 'is' : 'are'} not.`
            : 'Where the agent runs; its terminal, snapshots and usage come from there.'}
        </p>
      </div>
      {cluster && (
        <div className="field">
          <label htmlFor={memberId}>Cluster member</label>
          <select
            id={memberId}
            data-testid="agent-member"
            value={draft.target}
            aria-describedby={memberHintId}
            onChange={(event) => change({ ...draft, target: event.target.value })}
          >
            <option value="">Automatic (Incus placement)</option>
            {memberChoices(cluster).map((m) => (
              <option key={m.name} value={m.name} disabled={m.disabled}>
                {m.label}
              </option>
            ))}
          </select>
          <p id={memberHintId} className="field-hint">
            Members that are offline or evacuated cannot take new agents.
          </p>
        </div>
      )}
    </div>
  );
}
