import { type FormEvent, useState } from 'react';
import type { Agent, NetworkPolicy } from '../../../../shared/types.js';
import { errorMessage } from '../../lib/errors.js';
import { type NetworkDraft, draftFromPolicy, draftValid, policyFromDraft, samePolicy } from '../../lib/network-form.js';
import { applyNetwork } from '../../network-actions.js';
import { ApplyOutcome, useApplyOutcome } from '../ApplyOutcome.js';
import { Spinner } from '../Spinner.js';
import { NetworkFields } from './NetworkFields.js';

/** The agent's network policy, changed live with Apply; notes say what Enclave did or what waits. */
export function NetworkEditor({ agent }: { agent: Agent }) {
  const outcome = useApplyOutcome();
  const { address, bridge, policy } = agent.network;

  return (
    <div className="network-editor" data-testid="network-editor">
      <p className="section-note" data-testid="network-where">
        {bridge ? (
          <>
            On <code>{bridge}</code> at <code>{address ?? 'no address yet'}</code>.
          </>
        ) : (
          'No network interface.'
        )}
      </p>
      {/* A new draft whenever the agent's policy changes (here or from another window). */}
      <NetworkForm
        key={JSON.stringify(policy)}
        agent={agent}
        onApplied={outcome.applied}
        onFailed={outcome.failed}
      />
      <ApplyOutcome prefix="network" outcome={outcome} />
    </div>
  );
}

interface NetworkFormProps {
  agent: Agent;
  onApplied(notes: string[]): void;
  onFailed(message: string): void;
}

function NetworkForm({ agent, onApplied, onFailed }: NetworkFormProps) {
  const [draft, setDraft] = useState<NetworkDraft>(() => draftFromPolicy(agent.network.policy));
  const [applying, setApplying] = useState(false);
  const valid = draftValid(draft);
  const next: NetworkPolicy | null = valid ? policyFromDraft(draft) : null;
  const dirty = next === null || !samePolicy(next, agent.network.policy);
  const canApply = dirty && next !== null && !applying;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!canApply) return;
    setApplying(true);
    try {
      const result = await applyNetwork(agent.name, next);
      // The agent's new policy remounts this form; notes stay with the editor.
      onApplied(result.notes);
    } catch (failure) {
      onFailed(errorMessage(failure));
    } finally {
      setApplying(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <NetworkFields draft={draft} onChange={setDraft} disabled={applying} testPrefix="network" />
      <div className="limits-actions">
        <button
          type="button"
          className="button button-small"
          disabled={!dirty || applying}
          onClick={() => setDraft(draftFromPolicy(agent.network.policy))}
        >
          Reset
        </button>
        <button
          type="submit"
          className="button button-small button-primary"
          data-testid="network-apply"
          disabled={!canApply}
          aria-busy={applying}
        >
          {applying && <Spinner />}
          Apply
        </button>
      </div>
    </form>
  );
}
