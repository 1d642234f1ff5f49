import { useEffect, useId, useState } from 'react';
import type { AgentTemplate, TemplateInfo } from '../../../../shared/templates.js';
import { errorMessage } from '../../lib/errors.js';
import { BLANK_TEMPLATE, duplicateOf } from '../../lib/template-form.js';
import { deleteTemplate, loadTemplates } from '../../template-actions.js';
import { useTemplates } from '../../stores/templates.js';
import { showToast } from '../../stores/toasts.js';
import { ConfirmDialog } from '../ConfirmDialog.js';
import { InlineError } from '../InlineError.js';
import { Modal } from '../Modal.js';
import { Spinner } from '../Spinner.js';
import { TemplateEditor } from './TemplateEditor.js';
import { TemplateSummary } from './TemplateSummary.js';

/** What the right-hand side shows: a listed template, or a new one not saved yet. */
type Selection = { kind: 'listed'; id: string } | { kind: 'new'; base: AgentTemplate; key: number };

let newKeys = 0;

/**
 * The templates: built-ins read-only (duplicate one to change it), the user's own to create,
 * edit, duplicate and delete, and the files in the templates folder that did not load.
 */
export function TemplatesDialog({ onClose, initial }: { onClose(lastSaved: string | null): void; initial: string | null }) {
  const titleId = useId();
  const list = useTemplates((s) => s.list);
  const loadError = useTemplates((s) => s.error);
  const [selection, setSelection] = useState<Selection | null>(initial ? { kind: 'listed', id: initial } : null);
  const [deleting, setDeleting] = useState<TemplateInfo | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  // What the wizard behind goes on with: the template saved last, if it still exists.
  const [lastSaved, setLastSaved] = useState<string | null>(null);
  // Unsaved edits in the editor: leaving them (another template, Close, Escape) asks first.
  const [dirty, setDirty] = useState(false);
  const [leaving, setLeaving] = useState<(() => void) | null>(null);
  const guarded = (action: () => void) => {
    if (dirty) setLeaving(() => action);
    else action();
  };
  const close = () => guarded(() => onClose(lastSaved));

  useEffect(() => {
    void loadTemplates();
  }, []);

  const templates = list?.templates ?? [];
  const errors = list?.errors ?? [];
  const ids = templates.map((t) => t.id);
  const builtinIds = templates.filter((t) => t.builtin).map((t) => t.id);
  const listed = selection?.kind === 'listed' ? (templates.find((t) => t.id === selection.id) ?? null) : null;
  const shown = selection ?? (templates[0] ? { kind: 'listed' as const, id: templates[0].id } : null);
  const shownListed = shown?.kind === 'listed' ? (templates.find((t) => t.id === shown.id) ?? null) : listed;

  function select(next: Selection | null) {
    setDirty(false);
    setSelection(next);
  }

  function startNew(base: AgentTemplate) {
    guarded(() => select({ kind: 'new', base, key: ++newKeys }));
  }

  async function confirmDelete(t: TemplateInfo) {
    setDeleting(null);
    setDeleteError(null);
    try {
      await deleteTemplate(t.id);
      if (lastSaved === t.id) setLastSaved(null);
      showToast({ tone: 'success', message: `Deleted the template ${t.name}.`, testId: 'template-deleted' });
      select(null);
    } catch (failure) {
      setDeleteError(errorMessage(failure));
    }
  }

  const group = (title: string, items: TemplateInfo[]) =>
    items.length > 0 && (
      <div className="templates-group">
        <h3 className="templates-group-title">{title}</h3>
        {items.map((t) => (
          <button
            key={t.id}
            type="button"
            className={shown?.kind === 'listed' && shown.id === t.id ? 'templates-item is-selected' : 'templates-item'}
            data-testid={`templates-item-${t.id}`}
            aria-pressed={shown?.kind === 'listed' && shown.id === t.id}
            onClick={() => guarded(() => select({ kind: 'listed', id: t.id }))}
          >
            <span className="templates-item-name">{t.name}</span>
            <span className="templates-item-id mono">{t.id}</span>
          </button>
        ))}
      </div>
    );

  return (
    <Modal testId="templates-dialog" labelledBy={titleId} onClose={close} className="modal-templates">
      <div className="templates-head">
        <h2 id={titleId} className="modal-title">
          Templates
        </h2>
        <p className="settings-lede">Built-ins are read-only: duplicate one to change it. Yours are readable JSON files in the config folder.</p>
      </div>
      <div className="templates-body">
        <nav className="templates-nav" aria-label="Templates">
          <button type="button" className="button button-small" data-testid="template-new" onClick={() => startNew({ ...BLANK_TEMPLATE })}>
            New template
          </button>
          {!list && !loadError && (
            <p className="placeholder" role="status">
              <Spinner /> Loading…
            </p>
          )}
          {loadError && <p className="field-problem">The templates did not load: {loadError}</p>}
          {errors.length > 0 && (
            <div className="templates-group" data-testid="template-errors">
              <h3 className="templates-group-title">Did not load</h3>
              <ul className="template-errors">
                {errors.map((e, i) => (
                  <li key={`${e.file}-${i}`} className="template-error" data-testid="template-error">
                    <span className="mono template-error-file" title={e.file}>
                      {e.file.split('/').pop()}
                    </span>
                    {e.field && <span className="mono template-error-field">{e.field}</span>}
                    <span className="template-error-message">{e.message}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {group(
            'Yours',
            templates.filter((t) => !t.builtin),
          )}
          {group(
            'Built in',
            templates.filter((t) => t.builtin),
          )}
        </nav>
        <section className="templates-detail">
          {deleteError && <InlineError testId="template-delete-error" message={deleteError} onDismiss={() => setDeleteError(null)} />}
          {shown?.kind === 'new' ? (
            <TemplateEditor
              key={`new-${shown.key}`}
              template={shown.base}
              isNew
              takenIds={ids}
              builtinIds={builtinIds}
              onSaved={(saved) => {
                setLastSaved(saved.id);
                select({ kind: 'listed', id: saved.id });
              }}
              onDirtyChange={setDirty}
              onCancel={() => select(null)}
            />
          ) : shownListed ? (
            shownListed.builtin ? (
              <TemplateSummary template={shownListed} onDuplicate={() => startNew(duplicateOf(shownListed, ids))} />
            ) : (
              <TemplateEditor
                key={`edit-${shownListed.id}`}
                template={shownListed}
                isNew={false}
                takenIds={ids}
                builtinIds={builtinIds}
                onSaved={(saved) => {
                  setLastSaved(saved.id);
                  select({ kind: 'listed', id: saved.id });
                }}
                onDirtyChange={setDirty}
                onDuplicate={() => startNew(duplicateOf(shownListed, ids))}
                onDelete={() => setDeleting(shownListed)}
              />
            )
          ) : (
            list && <p className="placeholder">No template chosen.</p>
          )}
        </section>
      </div>
      <div className="modal-actions">
        <button type="button" className="button" data-testid="templates-close" onClick={close}>
          Close
        </button>
      </div>
      {leaving && (
        <ConfirmDialog
          title="Discard the changes?"
          message="The template has changes that are not saved; they are lost if you go on."
          confirmLabel="Discard"
          onConfirm={() => {
            const action = leaving;
            setLeaving(null);
            setDirty(false);
            action();
          }}
          onCancel={() => setLeaving(null)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete the template ${deleting.name}?`}
          message={`Its file ${deleting.id}.json is removed. Agents made from it keep running, with a shell instead of its command at their next start.`}
          confirmLabel="Delete"
          onConfirm={() => void confirmDelete(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </Modal>
  );
}
