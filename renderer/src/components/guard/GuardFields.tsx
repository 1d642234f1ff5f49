import { useId } from 'react';
import { GUARD_NUMBERS, type GuardDraft, guardNumberProblem } from '../../lib/guard-form.js';

interface GuardFieldsProps {
  draft: GuardDraft;
  onChange(draft: GuardDraft): void;
  disabled?: boolean;
  /** Prefix of the fields' test ids, e.g. "guard" → guard-enabled, guard-memoryPercent. */
  testPrefix: string;
}

/** The guard's switches and thresholds; each threshold is against the agent's own limits. */
export function GuardFields({ draft, onChange, disabled = false, testPrefix }: GuardFieldsProps) {
  const id = useId();
  return (
    <>
      <div className="guard-checks">
        <label className="guard-check">
          <input
            type="checkbox"
            data-testid={`${testPrefix}-enabled`}
            checked={draft.enabled}
            disabled={disabled}
            onChange={(event) => onChange({ ...draft, enabled: event.target.checked })}
          />
          Watch this agent
        </label>
        <label className="guard-check" title="Freeze the agent as soon as a rule fires">
          <input
            type="checkbox"
            data-testid={testPrefix === 'guard' ? 'guard-autofreeze' : `${testPrefix}-autofreeze`}
            checked={draft.autoFreeze}
            disabled={disabled}
            onChange={(event) => onChange({ ...draft, autoFreeze: event.target.checked })}
          />
          Freeze automatically when a rule fires
        </label>
      </div>
      <div className="guard-fields">
        {GUARD_NUMBERS.map((spec) => {
          const problem = guardNumberProblem(spec.key, draft[spec.key]);
          const fieldId = `${id}-${spec.key}`;
          return (
            <div className="field" key={spec.key}>
              <label htmlFor={fieldId}>
                {spec.label} ({spec.unit})
              </label>
              <input
                id={fieldId}
                data-testid={`${testPrefix}-${spec.key}`}
                inputMode="numeric"
                value={draft[spec.key]}
                disabled={disabled || !draft.enabled}
                aria-invalid={problem !== null}
                aria-describedby={problem ? `${fieldId}-problem` : undefined}
                onChange={(event) => onChange({ ...draft, [spec.key]: event.target.value })}
              />
              {problem && (
                <p id={`${fieldId}-problem`} className="field-problem" role="alert">
                  {problem}
                </p>
              )}
            </div>
          );
        })}
      </div>
    </>
  );
}
