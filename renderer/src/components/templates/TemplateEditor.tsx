import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useState } from 'react';
import { AGENT_CLIS, MAX_COMMAND, NAME_PREFIX_RULE, STATUS_SOURCES, TEMPLATE_ID_RULE, type AgentTemplate, type StatusSource, type TemplateInfo } from '../../../../shared/templates.js';
import type { AgentLimits } from '../../../../shared/types.js';
import { errorMessage } from '../../lib/errors.js';
import { LIMIT_FIELDS, LIMIT_LABELS, LIMIT_PLACEHOLDERS } from '../../lib/limits-form.js';
import {
  type TemplateDraft,
  draftFromTemplate,
  envRow,
  idFromName,
  secretRow,
  templateFromDraft,
  templateProblems,
} from '../../lib/template-form.js';
import { imageChoices } from '../../lib/images.js';
import { loadImages } from '../../image-actions.js';
import { saveTemplate } from '../../template-actions.js';
import { useImages } from '../../stores/images.js';
import { showToast } from '../../stores/toasts.js';
import { InlineError } from '../InlineError.js';
import { NetworkFields } from '../network/NetworkFields.js';
import { Spinner } from '../Spinner.js';

interface TemplateEditorProps {
  template: AgentTemplate;
  isNew: boolean;
  takenIds: readonly string[];
  builtinIds: readonly string[];
  onSaved(saved: TemplateInfo): void;
  onCancel?: () => void;
  onDuplicate?: () => void;
  onDelete?: () => void;
  /** Told whether the form differs from the template it opened with. */
  onDirtyChange?: (dirty: boolean) => void;
}

const STATUS_LABELS: Record<StatusSource, string> = {
  tmux: 'tmux',
  'claude-code-hooks': "Claude Code's hooks and tmux",
};

/** Every field of one of the user's templates, each checked as typed with its own message. */
export function TemplateEditor({ template, isNew, takenIds, builtinIds, onSaved, onCancel, onDuplicate, onDelete, onDirtyChange }: TemplateEditorProps) {
  const [draft, setDraft] = useState<TemplateDraft>(() => draftFromTemplate(template));
  // What the form opened with, in the form's own terms, to tell an edit from none.
  const [opened] = useState(() => JSON.stringify(templateFromDraft(draftFromTemplate(template))));
  // A new template's id follows its name until the id is typed in.
  const [idTouched, setIdTouched] = useState(!isNew || template.id !== '');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const images = useImages((s) => s.images);
  const imagesState = useImages((s) => s.state);
  const listId = useId();

  useEffect(() => {
    if (imagesState === 'idle') void loadImages();
  }, [imagesState]);

  const problems = useMemo(() => {
    const found = templateProblems(draft, builtinIds);
    if (isNew && takenIds.includes(draft.id.trim()) && !('id' in found)) found.id = `A template with the id "${draft.id.trim()}" exists; choose another id.`;
    return found;
  }, [draft, builtinIds, takenIds, isNew]);
  const valid = Object.keys(problems).length === 0;
  const dirty = JSON.stringify(templateFromDraft(draft)) !== opened;
  useEffect(() => {
    onDirtyChange?.(dirty && !saving);
  }, [dirty, saving, onDirtyChange]);

  function set<K extends keyof TemplateDraft>(key: K, value: TemplateDraft[K]) {
    setDraft((d) => ({ ...d, [key]: value }));
    setError(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!valid || saving) return;
    setSaving(true);
    setError(null);
    try {
      const saved = await saveTemplate(templateFromDraft(draft));
      showToast({ tone: 'success', message: `Saved the template ${saved.name}.`, testId: 'template-saved' });
      onSaved(saved);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setSaving(false);
    }
  }

  const problem = (key: string) =>
    problems[key] ? (
      <p className="field-problem" data-testid={`template-problem-${key.replace(/\.\d+$/, '')}`} role="alert">
        {problems[key]}
      </p>
    ) : null;

  return (
    <form className="template-editor" data-testid="template-editor" data-template={draft.id} onSubmit={(event) => void submit(event)} noValidate>
      <div className="template-summary-head">
        <h3 className="template-summary-name">{isNew ? 'New template' : template.name}</h3>
        {!isNew && onDuplicate && (
          <button type="button" className="button button-small" data-testid="template-duplicate" onClick={onDuplicate}>
            Duplicate
          </button>
        )}
        {!isNew && onDelete && (
          <button type="button" className="button button-small button-danger" data-testid="template-delete" onClick={onDelete}>
            Delete
          </button>
        )}
      </div>

      <div className="template-grid">
        <Field label="Name" hint="Shown in the wizard and on each agent's card." problem={problem('name')}>
          {(id) => (
            <input
              id={id}
              data-testid="template-name"
              value={draft.name}
              maxLength={100}
              aria-invalid={'name' in problems}
              onChange={(event) => {
                const name = event.target.value;
                setDraft((d) => ({ ...d, name, ...(idTouched ? {} : { id: idFromName(name) }) }));
              }}
            />
          )}
        </Field>
        <Field label="Id" hint={isNew ? `${TEMPLATE_ID_RULE} It is the file name.` : 'The file name; duplicate the template to use another.'} problem={problem('id')}>
          {(id) => (
            <input
              id={id}
              data-testid="template-id"
              className="mono"
              value={draft.id}
              maxLength={60}
              readOnly={!isNew}
              aria-invalid={'id' in problems}
              onChange={(event) => {
                setIdTouched(true);
                set('id', event.target.value);
              }}
            />
          )}
        </Field>
      </div>

      <Field label="Description" optional problem={problem('description')}>
        {(id) => <input id={id} data-testid="template-description" value={draft.description} maxLength={1100} onChange={(event) => set('description', event.target.value)} />}
      </Field>

      <div className="template-grid">
        <Field label="Image" hint="The alias (or fingerprint) agents are created from." problem={problem('image')}>
          {(id) => (
            <>
              <input
                id={id}
                data-testid="template-image"
                className="mono"
                list={listId}
                value={draft.image}
                maxLength={300}
                aria-invalid={'image' in problems}
                onChange={(event) => set('image', event.target.value)}
              />
              <datalist id={listId}>
                {imageChoices(images).map((c) => (
                  <option key={c.value} value={c.value} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="Name prefix" hint={`New agents are named ${draft.namePrefix.trim() || 'prefix'}-1, -2, … ${NAME_PREFIX_RULE}`} problem={problem('namePrefix')}>
          {(id) => (
            <input
              id={id}
              data-testid="template-prefix"
              className="mono"
              value={draft.namePrefix}
              maxLength={60}
              aria-invalid={'namePrefix' in problems}
              onChange={(event) => set('namePrefix', event.target.value)}
            />
          )}
        </Field>
      </div>

      <Field label="Command" hint="Run by bash in the agent's tmux session at every start; empty for a login shell. One line." problem={problem('command')}>
        {(id) => (
          <input
            id={id}
            data-testid="template-command"
            className="mono"
            value={draft.command}
            maxLength={MAX_COMMAND + 100}
            placeholder="(a login shell)"
            aria-invalid={'command' in problems}
            onChange={(event) => set('command', event.target.value)}
          />
        )}
      </Field>

      <fieldset className="settings-group">
        <legend>Environment</legend>
        <p className="field-hint">Plain variables of the command. Keys and tokens go under Secrets instead.</p>
        {draft.env.map((row, i) => (
          <div key={row.id} className="template-row">
            <div className="template-row-fields">
              <input
                aria-label="Variable name"
                data-testid={`template-env-name-${i}`}
                className="mono"
                placeholder="NAME"
                value={row.name}
                aria-invalid={`env.${row.id}` in problems}
                onChange={(event) => set('env', draft.env.map((r) => (r.id === row.id ? { ...r, name: event.target.value } : r)))}
              />
              <input
                aria-label={`Value of ${row.name || 'the variable'}`}
                data-testid={`template-env-value-${i}`}
                className="mono"
                placeholder="value"
                value={row.value}
                onChange={(event) => set('env', draft.env.map((r) => (r.id === row.id ? { ...r, value: event.target.value } : r)))}
              />
              <button type="button" className="button button-small" aria-label="Remove this variable" onClick={() => set('env', draft.env.filter((r) => r.id !== row.id))}>
                Remove
              </button>
            </div>
            {problem(`env.${row.id}`)}
          </div>
        ))}
        {problem('env')}
        <button type="button" className="button button-small" data-testid="template-env-add" onClick={() => set('env', [...draft.env, envRow()])}>
          Add variable
        </button>
      </fieldset>

      <fieldset className="settings-group">
        <legend>Secrets</legend>
        <p className="field-hint">Each row is one need: any one of its names (comma-separated) will do. Values are set in the wizard or Settings, never here.</p>
        {draft.secrets.map((row, i) => (
          <div key={row.id} className="template-row">
            <div className="template-row-fields">
              <input
                aria-label="Secret names"
                data-testid={`template-secret-names-${i}`}
                className="mono"
                placeholder="API_KEY, OTHER_TOKEN"
                value={row.names}
                aria-invalid={`secrets.${row.id}` in problems}
                onChange={(event) => set('secrets', draft.secrets.map((r) => (r.id === row.id ? { ...r, names: event.target.value } : r)))}
              />
              <label className="limit-unlimited">
                <input
                  type="checkbox"
                  data-testid={`template-secret-optional-${i}`}
                  checked={row.optional}
                  onChange={(event) => set('secrets', draft.secrets.map((r) => (r.id === row.id ? { ...r, optional: event.target.checked } : r)))}
                />
                Optional
              </label>
              <button type="button" className="button button-small" aria-label="Remove this secret" onClick={() => set('secrets', draft.secrets.filter((r) => r.id !== row.id))}>
                Remove
              </button>
            </div>
            <input
              aria-label="Where the value comes from"
              data-testid={`template-secret-help-${i}`}
              placeholder="Where the value comes from (shown in the wizard)"
              value={row.help}
              maxLength={320}
              onChange={(event) => set('secrets', draft.secrets.map((r) => (r.id === row.id ? { ...r, help: event.target.value } : r)))}
            />
            {problem(`secrets.${row.id}`)}
          </div>
        ))}
        {problem('secrets')}
        <button type="button" className="button button-small" data-testid="template-secret-add" onClick={() => set('secrets', [...draft.secrets, secretRow()])}>
          Add secret
        </button>
      </fieldset>

      <fieldset className="settings-group">
        <legend>Limits</legend>
        <p className="field-hint">Empty: the default from Settings.</p>
        <div className="template-limits">
          {LIMIT_FIELDS.map((key) => (
            <Field key={key} label={LIMIT_LABELS[key]} problem={problem(`limits.${key}`)}>
              {(id) => (
                <input
                  id={id}
                  data-testid={`template-limit-${key}`}
                  className="mono"
                  placeholder="default"
                  title={`Empty for the default from Settings; ${LIMIT_PLACEHOLDERS[key]}`}
                  value={draft.limits[key]}
                  maxLength={40}
                  aria-invalid={`limits.${key}` in problems}
                  onChange={(event) => set('limits', { ...draft.limits, [key]: event.target.value } as AgentLimits)}
                />
              )}
            </Field>
          ))}
        </div>
      </fieldset>

      <fieldset className="settings-group network-group">
        <legend>Network</legend>
        <label className="check-row">
          <input
            type="checkbox"
            data-testid="template-network-default"
            checked={draft.networkDefault}
            onChange={(event) => set('networkDefault', event.target.checked)}
          />
          Use the default network of new agents (Settings → Network)
        </label>
        {!draft.networkDefault && <NetworkFields draft={draft.network} onChange={(network) => set('network', network)} testPrefix="template-network" />}
      </fieldset>

      <div className="template-grid">
        <Field label="Status read from" hint="How the card tells working, waiting, idle and exited apart.">
          {(id) => (
            <select id={id} data-testid="template-status" value={draft.status} onChange={(event) => set('status', event.target.value as StatusSource)}>
              {STATUS_SOURCES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset className="template-installs">
          <legend>An image built for it installs</legend>
          {AGENT_CLIS.map((cli) => (
            <label key={cli} className="limit-unlimited">
              <input
                type="checkbox"
                data-testid={`template-installs-${cli}`}
                checked={draft.installs.includes(cli)}
                onChange={(event) => set('installs', event.target.checked ? [...draft.installs, cli] : draft.installs.filter((c) => c !== cli))}
              />
              {cli}
            </label>
          ))}
          {problem('installs')}
        </fieldset>
      </div>
      {problem('status')}
      {problem('')}

      {error && <InlineError testId="template-save-error" message={error} />}
      <div className="template-actions">
        {!valid && (
          <p className="field-problem" data-testid="template-invalid">
            Fix the marked fields to save.
          </p>
        )}
        {onCancel && (
          <button type="button" className="button" data-testid="template-cancel" onClick={onCancel}>
            Discard
          </button>
        )}
        <button type="submit" className="button button-primary" data-testid="template-save" disabled={!valid || saving}>
          {saving && <Spinner />}
          {isNew ? 'Save template' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}

function Field({ label, hint, optional, problem, children }: { label: string; hint?: string; optional?: boolean; problem?: ReactNode; children(id: string): ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>
        {label} {optional && <span className="optional">(optional)</span>}
      </label>
      {children(id)}
      {problem ?? (hint && <p className="field-hint">{hint}</p>)}
    </div>
  );
}
