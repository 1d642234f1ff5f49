import { type FormEvent, useState } from 'react';
import type { Agent } from '../../../../shared/types.js';
import { errorMessage } from '../../lib/errors.js';
import { type LimitsDraft, changedLimits, draftFromLimits, draftValid } from '../../lib/limits-form.js';
import { applyLimits } from '../../limits-actions.js';
import { ApplyOutcome, useApplyOutcome } from '../ApplyOutcome.js';
import { Spinner } from '../Spinner.js';
import { LimitsFields } from './LimitsFields.js';

/** The agent's resource limits: edited as a draft, applied (changed fields only) with Apply. */
export function LimitsEditor({ agent }: { agent: Agent }) {
  const outcome = useApplyOutcome();
  const { cpu, memory, processes, disk } = agent.limits;

  return (
    <div className="limits-editor" data-testid="limits-editor">
      {/* A new draft whenever the agent's limits change (here or from another window). */}
      <LimitsForm
        key={`${cpu}|${memory}|${processes}|${disk}`}
        agent={agent}
        onApplied={outcome.applied}
        onFailed={outcome.failed}
      />
      <ApplyOutcome prefix="limits" outcome={outcome} />
    </div>
  );
}

interface LimitsFormProps {
  agent: Agent;
  onApplied(notes: string[]): void;
  onFailed(message: string): void;
}

function LimitsForm({ agent, onApplied, onFailed }: LimitsFormProps) {
  const [draft, setDraft] = useState<LimitsDraft>(() => draftFromLimits(agent.limits));
  const [applying, setApplying] = useState(false);
  const changed = changedLimits(agent.limits, draft);
  const dirty = Object.keys(changed).length > 0;
  const canApply = dirty && draftValid(draft) && !applying;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!canApply) return;
    setApplying(true);
    try {
      const result = await applyLimits(agent.name, changed);
      // The agent's new limits remount this form; notes stay with the editor.
      onApplied(result.notes);
    } catch (failure) {
      onFailed(errorMessage(failure));
    } finally {
      setApplying(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <LimitsFields draft={draft} onChange={setDraft} disabled={applying} testPrefix="limit" />
      <div className="limits-actions">
        <button
          type="button"
          className="button button-small"
          disabled={!dirty || applying}
          onClick={() => setDraft(draftFromLimits(agent.limits))}
        >
          Reset
        </button>
        <button
          type="submit"
          className="button button-small button-primary"
          data-testid="limits-apply"
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
