import { type KeyboardEvent, useId, useState } from 'react';
import { secretValueProblem } from '../../../../shared/secrets.js';
import { errorMessage } from '../../lib/errors.js';
import { secretRows } from '../../lib/wizard.js';
import { setSecret } from '../../template-actions.js';
import { useTemplates } from '../../stores/templates.js';
import { Spinner } from '../Spinner.js';
import type { StepProps } from './step-props.js';

/** The secrets the template uses: which are stored, and a field to store one now. */
export function SecretsStep({ template, context, problem }: StepProps) {
  const info = useTemplates((s) => s.secrets);
  const loadError = useTemplates((s) => s.secretsError);
  if (!template) return <p className="wizard-lede">Choose a template first.</p>;
  if (template.secrets.length === 0) {
    return (
      <div className="wizard-step-body" data-testid="wizard-secrets">
        <p className="wizard-lede">{template.name} needs no secrets.</p>
      </div>
    );
  }
  const rows = context.storedSecrets instanceof Set ? secretRows(template, context.storedSecrets) : [];
  return (
    <div className="wizard-step-body" data-testid="wizard-secrets">
      <p className="wizard-lede">
        Put into the command's environment when it starts; never into the agent's config, files or snapshots. Stored once for every agent.
      </p>
      {info && (
        <p className={info.encrypted ? 'field-hint' : 'wizard-note'} data-testid="wizard-secrets-storage">
          {info.storage}
        </p>
      )}
      {loadError && <p className="field-problem">The stored secrets did not load: {loadError}</p>}
      <ul className="secret-rows">
        {rows.map((row, i) => (
          <li key={i} className={row.met ? 'secret-row is-met' : 'secret-row'} data-testid={`secret-row-${i}`} data-met={row.met}>
            <div className="secret-row-head">
              <span className="mono">{row.requirement.anyOf.join(' or ')}</span>
              <span className={row.set.length ? 'status status-running' : row.requirement.optional ? 'status' : 'status status-error'}>
                <span className="status-dot" aria-hidden="true" />
                {row.set.length ? `${row.set.join(', ')} set` : row.requirement.optional ? 'optional, not set' : 'not set'}
              </span>
            </div>
            {row.requirement.help && <p className="field-hint">{row.requirement.help}</p>}
            {row.set.length === 0 && <SetSecretNow names={row.requirement.anyOf} testId={`secret-set-${i}`} />}
          </li>
        ))}
      </ul>
      {problem && (
        <p className="field-problem" data-testid="wizard-secrets-problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

function SetSecretNow({ names, testId }: { names: string[]; testId: string }) {
  const valueId = useId();
  const [name, setName] = useState(names[0] ?? '');
  const [value, setValue] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const problem = value === '' ? null : secretValueProblem(value);

  async function save(from: HTMLElement | null) {
    if (saving || value === '' || problem) return;
    // This field goes once the secret is set: the step keeps the focus, so Enter goes on.
    const step = from?.closest<HTMLElement>('.wizard-body') ?? null;
    setSaving(true);
    setError(null);
    try {
      await setSecret(name, value);
      setValue('');
      step?.focus({ preventScroll: true });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setSaving(false);
    }
  }

  // Enter in the value stores it, rather than moving to the next step.
  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    event.stopPropagation();
    void save(event.currentTarget);
  }

  return (
    <div className="secret-set" data-testid={testId}>
      {names.length > 1 && (
        <select aria-label="Which secret" value={name} onChange={(event) => setName(event.target.value)} data-testid={`${testId}-name`} disabled={saving}>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      )}
      <label htmlFor={valueId} className="sr-only">
        Value of {name}
      </label>
      <input
        id={valueId}
        type="password"
        className="mono"
        data-testid={`${testId}-value`}
        placeholder={`Set ${name} now`}
        value={value}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={onKeyDown}
        autoComplete="off"
        spellCheck={false}
        disabled={saving}
        aria-invalid={problem !== null}
      />
      <button type="button" className="button button-small" data-testid={`${testId}-save`} disabled={saving || value === '' || problem !== null} onClick={(event) => void save(event.currentTarget)}>
        {saving && <Spinner />}
        Save secret
      </button>
      {(problem ?? error) && <p className="field-problem">{problem ?? error}</p>}
    </div>
  );
}
