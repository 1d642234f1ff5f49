import { useId } from 'react';
import {
  LIMIT_FIELDS,
  LIMIT_LABELS,
  LIMIT_PLACEHOLDERS,
  LIMIT_RULES,
  UNLIMITED_LABELS,
  type LimitField,
  type LimitsDraft,
  fieldProblem,
} from '../../lib/limits-form.js';

interface LimitsFieldsProps {
  draft: LimitsDraft;
  onChange(draft: LimitsDraft): void;
  disabled?: boolean;
  /** Test ids are `${testPrefix}-cpu`, `${testPrefix}-cpu-unlimited`, … */
  testPrefix: string;
}

/** CPU, memory, processes and disk: a value or an explicit "unlimited", checked as typed. */
export function LimitsFields({ draft, onChange, disabled = false, testPrefix }: LimitsFieldsProps) {
  return (
    <div className="limits-fields">
      {LIMIT_FIELDS.map((name) => (
        <LimitRow
          key={name}
          name={name}
          draft={draft}
          onChange={onChange}
          disabled={disabled}
          testId={`${testPrefix}-${name}`}
        />
      ))}
    </div>
  );
}

interface LimitRowProps {
  name: LimitField;
  draft: LimitsDraft;
  onChange(draft: LimitsDraft): void;
  disabled: boolean;
  testId: string;
}

function LimitRow({ name, draft, onChange, disabled, testId }: LimitRowProps) {
  const inputId = useId();
  const hintId = useId();
  const field = draft[name];
  const problem = fieldProblem(name, field);

  return (
    <div className="field limit-field">
      <label htmlFor={inputId}>{LIMIT_LABELS[name]}</label>
      <div className="limit-inputs">
        <input
          id={inputId}
          data-testid={testId}
          className="mono"
          value={field.value}
          placeholder={LIMIT_PLACEHOLDERS[name]}
          onChange={(event) => onChange({ ...draft, [name]: { ...field, value: event.target.value } })}
          aria-invalid={problem !== null}
          aria-describedby={hintId}
          autoComplete="off"
          spellCheck={false}
          maxLength={32}
          disabled={disabled || field.unlimited}
        />
        <label className="limit-unlimited">
          <input
            type="checkbox"
            data-testid={`${testId}-unlimited`}
            checked={field.unlimited}
            disabled={disabled}
            onChange={(event) => onChange({ ...draft, [name]: { ...field, unlimited: event.target.checked } })}
          />
          {UNLIMITED_LABELS[name]}
        </label>
      </div>
      <p id={hintId} className={problem ? 'field-problem' : 'field-hint'} role={problem ? 'alert' : undefined}>
        {problem ?? LIMIT_RULES[name]}
      </p>
    </div>
  );
}
