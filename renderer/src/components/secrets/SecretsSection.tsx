import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { secretValueProblem, type SecretsInfo } from '../../../../shared/secrets.js';
import { envNameProblem } from '../../../../shared/templates.js';
import { enclave } from '../../api.js';
import { errorMessage } from '../../lib/errors.js';
import { showToast } from '../../stores/toasts.js';
import { ConfirmDialog } from '../ConfirmDialog.js';
import { InlineError } from '../InlineError.js';
import { RelativeTime } from '../RelativeTime.js';
import { Spinner } from '../Spinner.js';

/** Names a user is likely to need; any other valid variable name is accepted. */
const SUGGESTED = ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'OPENAI_API_KEY', 'GEMINI_API_KEY'];

/**
 * Settings → Secrets: the stored secrets by name and date, add or replace one, delete one.
 * Each action is saved at once (not by the dialog's Save). A value is read from its field
 * once, sent with secrets.set and the field emptied: it is kept in no state or store, and
 * never comes back from the backend.
 */
export function SecretsSection() {
  const nameId = useId();
  const valueId = useId();
  const hintId = useId();
  const listId = useId();
  const [info, setInfo] = useState<SecretsInfo | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const value = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    enclave
      .invoke('secrets.list', {})
      .then((reply) => live && setInfo(reply))
      .catch((failure: unknown) => live && setLoadError(errorMessage(failure)));
    return () => {
      live = false;
    };
  }, []);

  const trimmed = name.trim();
  const exists = info?.secrets.some((s) => s.name === trimmed) ?? false;

  async function save() {
    const field = value.current;
    if (!field) return;
    const nameProblem = envNameProblem(trimmed);
    const valueProblem = nameProblem ?? secretValueProblem(field.value);
    if (valueProblem) {
      setProblem(valueProblem);
      return;
    }
    setProblem(null);
    setError(null);
    setSaving(true);
    try {
      const sent = field.value;
      field.value = '';
      setInfo(await enclave.invoke('secrets.set', { name: trimmed, value: sent }));
      showToast({ tone: 'success', message: `${trimmed} saved.`, testId: 'secret-saved' });
      setName('');
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setSaving(false);
    }
  }

  async function remove(secret: string) {
    setDeleting(secret);
    setError(null);
    try {
      setInfo(await enclave.invoke('secrets.delete', { name: secret }));
      showToast({ tone: 'success', message: `${secret} deleted.`, testId: 'secret-deleted' });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setDeleting(null);
    }
  }

  // The section sits inside the settings form: Enter here saves the secret, not the settings.
  function onEnter(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    void save();
  }

  return (
    <div className="secrets" data-testid="secrets">
      <p className="section-note">
        Given to an agent's command when its template names them, in its tmux session's environment; never written to the agent's config, files or
        snapshots. Each change here is saved at once.
      </p>
      {info && (
        <p className={info.encrypted ? 'secrets-storage' : 'secrets-storage secrets-storage-plain'} data-testid="secrets-storage" data-encrypted={info.encrypted}>
          {info.storage}
        </p>
      )}
      {loadError && <InlineError testId="secrets-error" message={loadError} />}
      {!info && !loadError && (
        <p className="placeholder" role="status">
          <Spinner /> Loading secrets…
        </p>
      )}
      {info && (
        <ul className="secrets-list" data-testid="secrets-list" aria-label="Stored secrets">
          {info.secrets.length === 0 && <li className="secrets-empty">No secrets stored yet.</li>}
          {info.secrets.map((secret) => (
            <li key={secret.name} className="secrets-row" data-testid="secret-row" data-name={secret.name}>
              <code className="secrets-name">{secret.name}</code>
              <span className="secrets-date">
                saved <RelativeTime iso={new Date(secret.updatedAt).toISOString()} />
              </span>
              <span className="secrets-row-tools">
                <button
                  type="button"
                  className="button button-small"
                  data-action="replace-secret"
                  onClick={() => {
                    setName(secret.name);
                    value.current?.focus();
                  }}
                >
                  Replace
                </button>
                <button
                  type="button"
                  className="button button-small button-danger-quiet"
                  data-action="delete-secret"
                  disabled={deleting !== null}
                  aria-busy={deleting === secret.name}
                  onClick={() => setConfirming(secret.name)}
                >
                  {deleting === secret.name && <Spinner />}
                  Delete
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      <fieldset className="settings-group secrets-add" disabled={!info || saving}>
        <legend>{exists ? `Replace ${trimmed}` : 'Add a secret'}</legend>
        <div className="secrets-fields">
          <div className="field">
            <label htmlFor={nameId}>Name</label>
            <input
              id={nameId}
              className="mono"
              data-testid="secret-name"
              list={listId}
              value={name}
              placeholder="e.g. ANTHROPIC_API_KEY"
              autoComplete="off"
              spellCheck={false}
              maxLength={128}
              onChange={(event) => {
                setName(event.target.value);
                setProblem(null);
              }}
              onKeyDown={onEnter}
            />
            <datalist id={listId}>
              {SUGGESTED.filter((s) => !info?.secrets.some((known) => known.name === s)).map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </div>
          <div className="field">
            <label htmlFor={valueId}>Value</label>
            <input
              id={valueId}
              ref={value}
              type="password"
              className="mono"
              data-testid="secret-value"
              placeholder="Paste the key or token"
              autoComplete="new-password"
              spellCheck={false}
              aria-describedby={hintId}
              aria-invalid={problem !== null}
              onChange={() => setProblem(null)}
              onKeyDown={onEnter}
            />
          </div>
          <button type="button" className="button button-primary secrets-save" data-testid="secret-save" aria-busy={saving} onClick={() => void save()}>
            {saving && <Spinner />}
            {exists ? 'Replace' : 'Add'}
          </button>
        </div>
        <p id={hintId} className={problem ? 'field-problem' : 'field-hint'} role={problem ? 'alert' : undefined} data-testid="secret-hint">
          {problem ?? 'Sent once and never shown again: to change a value, replace it.'}
        </p>
        {error && <InlineError testId="secret-error" message={error} onDismiss={() => setError(null)} />}
      </fieldset>
      <div className="secrets-help" data-testid="secrets-help">
        <h4>Claude Code</h4>
        <p>
          Set <code>ANTHROPIC_API_KEY</code> (an API key from the Anthropic Console), or <code>CLAUDE_CODE_OAUTH_TOKEN</code>: a long-lived token for a
          Claude subscription, made by running <code>claude setup-token</code> on your own machine. Do not copy your computer's Claude login
          (its OAuth credentials) into agents: those tokens rotate, and parallel agents would log each other out.
        </p>
        <h4>Codex CLI</h4>
        <p>
          Set <code>OPENAI_API_KEY</code>, or sign in from inside the agent: open its terminal and run <code>codex login --device-auth</code>, then open
          the link it prints on any device and enter the code. That login stays in the agent (and its snapshots), not here.
        </p>
      </div>
      {confirming && (
        <ConfirmDialog
          title="Delete secret"
          message={`Delete ${confirming}? Running agents keep it in their session until they restart; templates that need it cannot create agents until it is set again.`}
          confirmLabel="Delete"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            const secret = confirming;
            setConfirming(null);
            void remove(secret);
          }}
        />
      )}
    </div>
  );
}
