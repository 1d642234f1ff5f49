import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { expiryMs, expiryProblem, snapshotNameProblem } from '../../../../shared/names.js';
import type { Agent, Snapshot } from '../../../../shared/types.js';
import { useAgentBusy } from '../../hooks/useAgentBusy.js';
import { useNow } from '../../hooks/useNow.js';
import { errorMessage } from '../../lib/errors.js';
import { KIND_LABELS, formatBytes, formatExpiry } from '../../lib/snapshot-format.js';
import { formatExact } from '../../lib/time.js';
import { useAgentView } from '../../stores/agent-view.js';
import { deleteSnapshot, restoreSnapshot, updateSnapshot } from '../../snapshot-actions.js';
import { ConfirmDialog } from '../ConfirmDialog.js';
import { InlineError } from '../InlineError.js';
import { RelativeTime } from '../RelativeTime.js';
import { Spinner } from '../Spinner.js';
import { MarkerGlyph } from './MarkerGlyph.js';
import { RestoreConfirm } from './RestoreConfirm.js';

interface SnapshotListProps {
  agent: Agent;
  snapshots: readonly Snapshot[];
  selected: string | null;
  onSelect(name: string | null): void;
}

/** Every snapshot of the agent, newest first, with what can be done to each. */
export function SnapshotList({ agent, snapshots, selected, onSelect }: SnapshotListProps) {
  const newestFirst = [...snapshots].reverse();
  if (newestFirst.length === 0) {
    return <p className="list-empty">No snapshots yet. Take one above, or set a schedule below.</p>;
  }
  return (
    <ul className="snap-list" aria-label={`Snapshots of ${agent.name}`}>
      {newestFirst.map((snapshot) => (
        <SnapshotRow
          key={snapshot.name}
          agent={agent}
          snapshot={snapshot}
          names={snapshots.map((s) => s.name)}
          selected={snapshot.name === selected}
          onSelect={onSelect}
        />
      ))}
    </ul>
  );
}

type Editing = 'rename' | 'comment' | 'expiry';
type Pending = 'restore' | 'delete' | Editing;

interface RowProps {
  agent: Agent;
  snapshot: Snapshot;
  names: readonly string[];
  selected: boolean;
  onSelect(name: string | null): void;
}

function SnapshotRow({ agent, snapshot, names, selected, onSelect }: RowProps) {
  const row = useRef<HTMLLIElement>(null);
  const now = useNow();
  const { busy } = useAgentBusy(agent.name);
  const openClone = useAgentView((state) => state.openClone);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [confirming, setConfirming] = useState<'restore' | 'delete' | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [error, setError] = useState<string | null>(null);

  const target = snapshot.restoredTo;

  useEffect(() => {
    if (selected) row.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [selected]);

  async function run(what: Pending, work: () => Promise<unknown>): Promise<boolean> {
    setPending(what);
    setError(null);
    try {
      await work();
      return true;
    } catch (failure) {
      setError(errorMessage(failure));
      return false;
    } finally {
      setPending(null);
    }
  }

  const disabled = busy || pending !== null;
  const name = snapshot.name;

  return (
    <li
      ref={row}
      className={`snap-row${selected ? ' is-selected' : ''}`}
      data-testid="snapshot-row"
      data-snapshot={name}
      data-kind={snapshot.kind}
      data-selected={selected || undefined}
    >
      <div className="snap-head">
        <button
          type="button"
          className={`snap-pick marker-${snapshot.kind}`}
          aria-pressed={selected}
          title="Show on the timeline"
          onClick={() => onSelect(selected ? null : name)}
        >
          <MarkerGlyph kind={snapshot.kind} size={12} />
          <span className="snap-name">{name}</span>
        </button>
        <span className={`kind-badge kind-${snapshot.kind}`} data-testid="snapshot-kind">
          {KIND_LABELS[snapshot.kind]}
        </span>
        <span className="snap-time" title={formatExact(snapshot.createdAt)}>
          <RelativeTime iso={snapshot.createdAt} />
          <span className="snap-exact"> · {formatExact(snapshot.createdAt)}</span>
        </span>
      </div>
      <div className="snap-meta">
        {snapshot.comment ? (
          <span className="snap-comment" data-testid="snapshot-comment-text">
            {snapshot.comment}
          </span>
        ) : (
          <span className="snap-comment snap-none">No comment</span>
        )}
        {target && (
          <button type="button" className="link-button snap-link" onClick={() => onSelect(target)}>
            ↺ went to {target}
          </button>
        )}
        <span className="snap-facts">
          <span data-testid="snapshot-expiry" title={snapshot.expiresAt ? formatExact(snapshot.expiresAt) : undefined}>
            {formatExpiry(snapshot.expiresAt, now)}
          </span>
          {snapshot.sizeBytes !== null && <span data-testid="snapshot-size">{formatBytes(snapshot.sizeBytes)}</span>}
        </span>
      </div>
      <div className="snap-actions">
        <RowButton action="restore" label="Restore" pending={pending} disabled={disabled} onClick={() => setConfirming('restore')} primary />
        <RowButton
          action="clone"
          label="Clone"
          pending={pending}
          disabled={busy}
          onClick={() => openClone({ source: agent.name, snapshot: name })}
        />
        <RowButton action="rename" label="Rename" pending={pending} disabled={disabled} onClick={() => setEditing('rename')} />
        <RowButton action="comment" label="Comment" pending={pending} disabled={disabled} onClick={() => setEditing('comment')} />
        <RowButton action="expiry" label="Expiry" pending={pending} disabled={disabled} onClick={() => setEditing('expiry')} />
        <RowButton
          action="delete-snapshot"
          label="Delete"
          pending={pending === 'delete' ? 'delete-snapshot' : pending}
          disabled={disabled}
          danger
          onClick={() => setConfirming('delete')}
        />
      </div>
      {editing && (
        <RowEditor
          key={editing}
          mode={editing}
          agent={agent.name}
          snapshot={snapshot}
          names={names}
          busy={disabled}
          saving={pending === editing}
          onCancel={() => setEditing(null)}
          onSave={async (change) => {
            const ok = await run(editing, () => updateSnapshot(agent.name, name, change));
            if (ok) setEditing(null);
          }}
        />
      )}
      {error && <InlineError testId="snapshot-error" message={error} onDismiss={() => setError(null)} />}
      {confirming === 'restore' && (
        <RestoreConfirm
          title={`Restore ${agent.name} to ${name}`}
          agent={agent}
          snapshot={name}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            void run('restore', () => restoreSnapshot(agent.name, name));
          }}
        />
      )}
      {confirming === 'delete' && (
        <ConfirmDialog
          title="Delete snapshot"
          message={`Delete snapshot ${name} of ${agent.name}? This cannot be undone.`}
          confirmLabel="Delete snapshot"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            void run('delete', () => deleteSnapshot(agent.name, name));
          }}
        />
      )}
    </li>
  );
}

interface RowButtonProps {
  action: string;
  label: string;
  pending: string | null;
  disabled: boolean;
  primary?: boolean;
  danger?: boolean;
  onClick(): void;
}

function RowButton({ action, label, pending, disabled, primary, danger, onClick }: RowButtonProps) {
  const running = pending === action;
  const className = `button button-small${primary ? ' button-soft' : ''}${danger ? ' button-danger-quiet' : ''}`;
  return (
    <button type="button" className={className} data-action={action} disabled={disabled} aria-busy={running} onClick={onClick}>
      {running && <Spinner />}
      {label}
    </button>
  );
}

interface EditorProps {
  mode: Editing;
  agent: string;
  snapshot: Snapshot;
  names: readonly string[];
  busy: boolean;
  saving: boolean;
  onCancel(): void;
  onSave(change: { newName?: string; comment?: string; expiresAt?: string | null }): Promise<void>;
}

const EDITOR_LABELS: Record<Editing, string> = { rename: 'New name', comment: 'Comment', expiry: 'Expires in' };

/** Rename, comment or expiry of one snapshot, in place; each checked as it is typed. */
function RowEditor({ mode, agent, snapshot, names, busy, saving, onCancel, onSave }: EditorProps) {
  const inputId = useId();
  const hintId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState(mode === 'rename' ? snapshot.name : mode === 'comment' ? snapshot.comment : '');

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  let problem: string | null = null;
  if (mode === 'rename') {
    problem = snapshotNameProblem(value);
    if (!problem && value !== snapshot.name && names.includes(value)) problem = `${agent} already has a snapshot named "${value}".`;
  } else if (mode === 'expiry') {
    problem = expiryProblem(value);
  }
  const unchanged = (mode === 'rename' && value === snapshot.name) || (mode === 'comment' && value === snapshot.comment);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (problem || unchanged || busy) return;
    if (mode === 'rename') void onSave({ newName: value });
    else if (mode === 'comment') void onSave({ comment: value.trim() });
    else void onSave({ expiresAt: value.trim() ? new Date(Date.now() + expiryMs(value)).toISOString() : null });
  }

  return (
    <form className="row-editor" onSubmit={submit} noValidate data-testid="snapshot-editor" data-mode={mode}>
      <label htmlFor={inputId}>{EDITOR_LABELS[mode]}</label>
      <input
        id={inputId}
        ref={input}
        data-testid={`snapshot-${mode === 'rename' ? 'rename' : mode}-input`}
        value={value}
        placeholder={mode === 'expiry' ? 'e.g. 7d, 12H or 1w 3d; empty keeps it' : undefined}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            event.stopPropagation();
            onCancel();
          }
        }}
        aria-invalid={problem !== null}
        aria-describedby={hintId}
        maxLength={mode === 'comment' ? 1024 : 200}
        autoComplete="off"
        spellCheck={mode === 'comment'}
      />
      <div className="row-editor-actions">
        {mode === 'expiry' && snapshot.expiresAt && (
          <button
            type="button"
            className="button button-small"
            data-testid="snapshot-expiry-clear"
            disabled={busy}
            onClick={() => void onSave({ expiresAt: null })}
          >
            Keep until deleted
          </button>
        )}
        <button type="button" className="button button-small" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="submit"
          className="button button-small button-primary"
          data-testid="snapshot-edit-save"
          disabled={problem !== null || unchanged || busy}
          aria-busy={saving}
        >
          {saving && <Spinner />}
          Save
        </button>
      </div>
      <p id={hintId} className={problem ? 'field-problem' : 'field-hint'} role={problem ? 'alert' : undefined}>
        {problem ??
          (mode === 'expiry'
            ? `Counted from now. ${snapshot.expiresAt ? `Now: ${formatExact(snapshot.expiresAt)}.` : 'Now kept until deleted.'}`
            : mode === 'comment'
              ? 'Shown on the timeline and in this list.'
              : '')}
      </p>
    </form>
  );
}
