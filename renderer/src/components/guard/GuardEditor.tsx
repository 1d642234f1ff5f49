import { type FormEvent, useEffect, useState } from 'react';
import { getGuard, setGuard } from '../../guard-actions.js';
import { errorMessage } from '../../lib/errors.js';
import { type GuardDraft, guardDraft, guardDraftValid, guardFromDraft } from '../../lib/guard-form.js';
import { showToast } from '../../stores/toasts.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';
import { GuardFields } from './GuardFields.js';

/** The agent's guard settings (its own, else the defaults), stored on the agent in Incus. */
export function GuardEditor({ agent }: { agent: string }) {
  const [draft, setDraft] = useState<GuardDraft | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    getGuard(agent).then(
      (settings) => live && setDraft(guardDraft(settings)),
      (failure: unknown) => live && setLoadError(errorMessage(failure)),
    );
    return () => {
      live = false;
    };
  }, [agent]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!draft || !guardDraftValid(draft) || saving) return;
    setSaving(true);
    setError(null);
    try {
      setDraft(guardDraft(await setGuard(agent, guardFromDraft(draft))));
      showToast({ tone: 'success', message: `Saved the guard settings of ${agent}.`, testId: 'guard-saved' });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setSaving(false);
    }
  }

  if (loadError) return <InlineError testId="guard-error" message={loadError} />;
  if (!draft) {
    return (
      <p className="list-empty" data-testid="guard-editor" data-state="loading">
        <Spinner /> Loading guard settings…
      </p>
    );
  }
  return (
    <form className="guard-editor" data-testid="guard-editor" onSubmit={(event) => void submit(event)} noValidate>
      <p className="section-note">Thresholds are shares of this agent's own limits.</p>
      <GuardFields draft={draft} onChange={setDraft} disabled={saving} testPrefix="guard" />
      {error && <InlineError testId="guard-error" message={error} onDismiss={() => setError(null)} />}
      <div className="guard-editor-actions">
        <button
          type="submit"
          className="button button-small button-primary"
          data-testid="guard-save"
          disabled={saving || !guardDraftValid(draft)}
          aria-busy={saving}
        >
          {saving && <Spinner />}
          Save
        </button>
      </div>
    </form>
  );
}
