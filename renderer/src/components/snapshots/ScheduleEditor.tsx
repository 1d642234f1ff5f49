import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { Agent } from '../../../../shared/types.js';
import { useAgentBusy } from '../../hooks/useAgentBusy.js';
import { errorMessage } from '../../lib/errors.js';
import { type ScheduleDraft, describeSchedule, draftFrom, scheduleFromDraft } from '../../lib/schedule.js';
import { describeExpiry } from '../../lib/snapshot-format.js';
import { showToast } from '../../stores/toasts.js';
import { setSchedule } from '../../snapshot-actions.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';
import { ScheduleFields, draftProblems } from './ScheduleFields.js';

function sameDraft(a: ScheduleDraft, b: ScheduleDraft): boolean {
  const x = scheduleFromDraft(a);
  const y = scheduleFromDraft(b);
  return x.schedule === y.schedule && x.expiry === y.expiry;
}

/** The agent's automatic snapshots (Incus's `snapshots.schedule` and `snapshots.expiry`). */
export function ScheduleEditor({ agent }: { agent: Agent }) {
  const saved = draftFrom(agent.snapshotSchedule);
  const [draft, setDraft] = useState<ScheduleDraft>(saved);
  const [base, setBase] = useState<ScheduleDraft>(saved);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { busy } = useAgentBusy(agent.name);

  // Changed elsewhere (another window, the CLI): follow it unless the user is editing.
  const { schedule, expiry } = agent.snapshotSchedule;
  const baseRef = useRef(base);
  useEffect(() => {
    const next = draftFrom({ schedule, expiry });
    const previous = baseRef.current;
    if (sameDraft(next, previous)) return;
    baseRef.current = next;
    setBase(next);
    setDraft((current) => (sameDraft(current, previous) ? next : current));
  }, [schedule, expiry]);

  const problems = draftProblems(draft);
  const dirty = !sameDraft(draft, base);
  const canSave = dirty && !problems.cron && !problems.expiry && !busy && !saving;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!canSave) return;
    setSaving(true);
    setError(null);
    try {
      const value = scheduleFromDraft(draft);
      await setSchedule(agent.name, value);
      showToast({ tone: 'success', message: `Automatic snapshots of ${agent.name}: ${describeSchedule(value.schedule).toLowerCase()}.`, testId: 'schedule-done' });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setSaving(false);
    }
  }

  const current = agent.snapshotSchedule;
  return (
    <form className="schedule-editor" data-testid="schedule-editor" onSubmit={(event) => void submit(event)} noValidate>
      <p className="section-note" data-testid="schedule-current">
        Now: {describeSchedule(current.schedule)}
        {current.schedule && (current.expiry ? `, each kept for ${describeExpiry(current.expiry)}` : ', kept until deleted')}.
      </p>
      <ScheduleFields draft={draft} onChange={setDraft} />
      {error && <InlineError testId="schedule-error" message={error} onDismiss={() => setError(null)} />}
      <div className="take-actions">
        {dirty && (
          <button type="button" className="button" onClick={() => setDraft(base)} disabled={saving}>
            Revert
          </button>
        )}
        <button type="submit" className="button button-primary" data-testid="schedule-save" disabled={!canSave} aria-busy={saving}>
          {saving && <Spinner />}
          Save schedule
        </button>
      </div>
    </form>
  );
}
