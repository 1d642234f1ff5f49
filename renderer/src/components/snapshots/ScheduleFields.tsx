import { useId } from 'react';
import { expiryProblem, scheduleProblem } from '../../../../shared/names.js';
import { describeExpiry } from '../../lib/snapshot-format.js';
import {
  SCHEDULE_PRESETS,
  type ScheduleDraft,
  type SchedulePreset,
  describeSchedule,
  scheduleFromDraft,
  withCron,
  withPreset,
} from '../../lib/schedule.js';

/** The problems of a draft, checked with the same rules the backend applies. */
export function draftProblems(draft: ScheduleDraft): { cron: string | null; expiry: string | null } {
  return {
    cron: draft.preset === 'custom' ? scheduleProblem(draft.cron) : null,
    expiry: expiryProblem(draft.expiry),
  };
}

interface ScheduleFieldsProps {
  draft: ScheduleDraft;
  onChange(draft: ScheduleDraft): void;
  disabled?: boolean;
}

/** Off / Hourly / Daily / Custom, the cron line behind it, and how long the snapshots are kept. */
export function ScheduleFields({ draft, onChange, disabled = false }: ScheduleFieldsProps) {
  const presetId = useId();
  const cronId = useId();
  const cronHintId = useId();
  const expiryId = useId();
  const expiryHintId = useId();
  const problems = draftProblems(draft);
  const schedule = scheduleFromDraft(draft);
  const keep = describeExpiry(draft.expiry);

  return (
    <div className="schedule-fields">
      <div className="field">
        <label htmlFor={presetId}>Take snapshots</label>
        <select
          id={presetId}
          data-testid="schedule-preset"
          value={draft.preset}
          disabled={disabled}
          onChange={(event) => onChange(withPreset(draft, event.target.value as SchedulePreset))}
        >
          {SCHEDULE_PRESETS.map((preset) => (
            <option key={preset.value} value={preset.value}>
              {preset.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field field-grow">
        <label htmlFor={cronId}>Cron line</label>
        <input
          id={cronId}
          data-testid="schedule-cron"
          className="mono"
          value={draft.cron}
          placeholder="0 */6 * * *"
          disabled={disabled}
          onChange={(event) => onChange(withCron(draft, event.target.value))}
          aria-invalid={problems.cron !== null}
          aria-describedby={cronHintId}
          autoComplete="off"
          spellCheck={false}
          maxLength={200}
        />
      </div>
      <div className="field">
        <label htmlFor={expiryId}>Keep each for</label>
        <input
          id={expiryId}
          data-testid="schedule-expiry"
          className="mono"
          value={draft.expiry}
          placeholder="e.g. 7d"
          disabled={disabled}
          onChange={(event) => onChange({ ...draft, expiry: event.target.value })}
          aria-invalid={problems.expiry !== null}
          aria-describedby={expiryHintId}
          autoComplete="off"
          spellCheck={false}
          maxLength={100}
        />
      </div>
      <p id={cronHintId} className={problems.cron ? 'field-problem schedule-hint' : 'field-hint schedule-hint'} data-testid="schedule-cron-problem" role={problems.cron ? 'alert' : undefined}>
        {problems.cron ?? (schedule.schedule ? `${describeSchedule(schedule.schedule)}, in the Incus server's time zone.` : 'No automatic snapshots.')}
      </p>
      <p
        id={expiryHintId}
        className={problems.expiry ? 'field-problem schedule-hint' : 'field-hint schedule-hint'}
        data-testid="schedule-expiry-problem"
        role={problems.expiry ? 'alert' : undefined}
      >
        {problems.expiry ??
          (keep
            ? `Incus deletes each scheduled snapshot ${keep} after it is taken; the ones you take here are kept until you delete them.`
            : 'Kept until deleted. Use amounts with units, such as 7d or 1w 3d, to have Incus delete them.')}
      </p>
    </div>
  );
}
