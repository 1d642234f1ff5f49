import { type RefObject, useMemo, useRef, useState } from 'react';
import type { Agent } from '../../../../shared/types.js';
import type { BringBackAs, ChangedFile, WorkspaceChanges } from '../../../../shared/workspace.js';
import { useChangesPoll } from '../../hooks/useChangesPoll.js';
import { type GateAction, changesSummary, gateButtons, keepSelection, shortSha, stateNote } from '../../lib/changes-list.js';
import { formatExact } from '../../lib/time.js';
import { compareCandidates } from '../../lib/workspace-compare.js';
import { useAgents } from '../../stores/agents.js';
import { openAttachWorkspace } from '../../stores/attach-workspace.js';
import { useAgentStale } from '../../hooks/useAgentStale.js';
import { useDiffPrefs } from '../../stores/diff-prefs.js';
import { useWorkspaceChanges } from '../../stores/workspace-changes.js';
import { InlineError } from '../InlineError.js';
import { Spinner } from '../Spinner.js';
import { BringBackDialog } from './BringBackDialog.js';
import { ChangedFileRow } from './ChangedFileRow.js';
import { CompareView } from './CompareView.js';
import { FileDiffPanel } from './FileDiffPanel.js';
import { VirtualList } from './VirtualList.js';

const ROW = 28;
const LIST_MAX = ROW * 12;

interface ChangesPanelProps {
  agent: Agent;
  /** Opens the dialog that brings a project into this agent (defaults to the attach-workspace store). */
  onAddProject?: (agent: string) => void;
}

/** The agent's work against its base commit: state, commits, changed files, the selected file's diff, and the review gate. */
export function ChangesPanel({ agent, onAddProject = openAttachWorkspace }: ChangesPanelProps) {
  const box = useRef<HTMLDivElement>(null);
  const ws = agent.workspace;
  const running = agent.status === 'Running';
  // Only what is drawn is selected: a poll that finds the same work re-renders nothing here.
  const changes = useWorkspaceChanges((state) => state.byAgent[agent.name]?.changes ?? null);
  const readError = useWorkspaceChanges((state) => state.byAgent[agent.name]?.error ?? null);
  // Stale by the agent's own server (the local Incus, or the remote it lives on).
  const { stale, needs } = useAgentStale(agent);
  const agents = useAgents((state) => state.agents);
  const wide = useDiffPrefs((state) => state.wide);
  const setWide = useDiffPrefs((state) => state.setWide);
  const [picked, setPicked] = useState<string | null>(null);
  // The dialog keeps the changes as they were when it opened: that is what the user reviewed.
  const [gate, setGate] = useState<{ as: BringBackAs; reviewed: WorkspaceChanges } | null>(null);
  const [comparing, setComparing] = useState<string | null>(null);

  const files = changes?.state === 'ok' || changes?.state === 'rewritten' ? changes.files : EMPTY_FILES;
  const selected = keepSelection(files, picked);
  const file = useMemo(() => files.find((f) => f.id === selected) ?? null, [files, selected]);
  const candidates = useMemo(() => compareCandidates(agent, agents), [agent, agents]);

  if (!ws) {
    return (
      <div className="changes-panel changes-none" data-testid="changes-panel" data-state="no-workspace">
        <p className="list-empty">No project in this agent.</p>
        <button type="button" className="button button-small" data-action="add-project" disabled={stale} onClick={() => onAddProject(agent.name)}>
          Add a project…
        </button>
      </div>
    );
  }

  const buttons = gateButtons(agent, changes, needs ?? null);
  const note = changes ? stateNote(changes) : null;
  const reason = [buttons.branch, buttons.patch].find((b): b is Extract<GateAction, { enabled: false }> => b !== null && !b.enabled)?.reason;

  return (
    <div className="changes-panel" ref={box} data-testid="changes-panel" data-state={changes?.state ?? 'loading'} data-fingerprint={changes?.fingerprint}>
      {/* While Incus is away nothing is read: the last answer stays, marked stale with the view. */}
      <ChangesPoller agent={agent.name} running={running && !stale} panel={box} />
      <div className="changes-head">
        <div className="changes-source">
          <span className={`ws-mode ws-mode-${ws.mode}`}>{ws.mode === 'copy' ? 'Isolated copy' : ws.readOnly ? 'Live mount, read-only' : 'Live mount'}</span>
          <code className="ws-source" title={ws.source}>
            {ws.source}
          </code>
          {(changes?.branch ?? ws.branch) && <code className="ws-branch">{changes?.branch ?? ws.branch}</code>}
        </div>
        <div className="changes-commits-line" data-testid="changes-commits-line">
          <span>
            base <code title={changes?.base ?? ws.base ?? undefined}>{shortSha(changes?.base ?? ws.base)}</code>
          </span>
          <span aria-hidden="true">→</span>
          <span>
            head <code title={changes?.head ?? undefined}>{shortSha(changes?.head ?? null)}</code>
          </span>
          {changes && changes.readAt > 0 && <span className="changes-read">read {formatExact(new Date(changes.readAt).toISOString())}</span>}
          <ReadingSpinner agent={agent.name} />
        </div>
      </div>

      {buttons.branch && (
        <div className="changes-actions">
          <button
            type="button"
            className={buttons.branch.enabled && buttons.branch.replace ? 'button button-small button-danger' : 'button button-small button-primary'}
            data-action="fetch-branch"
            disabled={!buttons.branch.enabled}
            title={buttons.branch.enabled ? undefined : buttons.branch.reason}
            onClick={() => changes && setGate({ as: 'branch', reviewed: changes })}
          >
            {buttons.branch.enabled && buttons.branch.replace ? 'Fetch as branch (replace)…' : 'Fetch as branch…'}
          </button>
          {buttons.patch && (
            <button
              type="button"
              className="button button-small"
              data-action="apply-patch"
              disabled={!buttons.patch.enabled}
              title={buttons.patch.enabled ? undefined : buttons.patch.reason}
              onClick={() => changes && setGate({ as: 'patch', reviewed: changes })}
            >
              Apply to working tree…
            </button>
          )}
          {candidates.length > 0 && (
            <select
              className="changes-compare"
              data-testid="compare-with"
              aria-label="Compare with another agent"
              value=""
              onChange={(event) => event.target.value && setComparing(event.target.value)}
            >
              <option value="">Compare with…</option>
              {candidates.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </div>
      )}
      {reason && !note && (
        <p className="changes-gate-reason" data-testid="gate-reason">
          {reason}
        </p>
      )}

      {readError && <InlineError testId="changes-error" message={readError} />}
      {note && (
        <div className={`changes-note is-${note.tone}`} data-testid="changes-note" role={note.tone === 'warn' ? 'alert' : 'status'}>
          <strong>{note.title}</strong>
          {note.text && <span>{note.text}</span>}
        </div>
      )}
      {!changes && !readError && (
        <p className="list-empty">
          <Spinner /> Reading the agent’s work…
        </p>
      )}

      {changes && (changes.state === 'ok' || changes.state === 'rewritten') && (
        <>
          <p className="changes-summary" data-testid="changes-summary">
            {changesSummary(changes)}
          </p>
          {changes.commits.length > 0 && (
            <details className="changes-commits" data-testid="changes-commits">
              <summary>
                {changes.commits.length} commit{changes.commits.length === 1 ? '' : 's'} since the base
              </summary>
              <ol className="commit-list" title="Written inside the agent, not by Enclave">
                {changes.commits.map((c) => (
                  <li key={c.sha} className="commit-item">
                    <code className="commit-sha" title={c.sha}>
                      {shortSha(c.sha)}
                    </code>
                    <span className="commit-subject agent-words">{c.subject}</span>
                    <span className="commit-meta agent-words" title={c.at}>
                      {c.author}
                    </span>
                  </li>
                ))}
              </ol>
            </details>
          )}
          {files.length === 0 ? (
            <p className="list-empty">No file differs from the base commit.</p>
          ) : (
            <VirtualList<ChangedFile>
              items={files}
              keyOf={(f) => f.id}
              rowHeight={ROW}
              maxHeight={LIST_MAX}
              selected={selected}
              onSelect={setPicked}
              label="Changed files"
              testId="changed-files"
              renderRow={(f) => <ChangedFileRow file={f} />}
            />
          )}
          {file && (
            <FileDiffPanel
              agent={agent.name}
              file={file}
              version={changes.fingerprint}
              tools={
                <button type="button" className="button button-small" aria-pressed={wide} data-action="wide" onClick={() => setWide(!wide)}>
                  {wide ? 'Narrower' : 'Wider'}
                </button>
              }
              note={file.special === 'submodule' ? 'A submodule: the commit it points at changed; its contents are not in this repository.' : file.special === 'lfs' ? 'A Git LFS pointer: this is the pointer file, not the content it stands for.' : null}
            />
          )}
        </>
      )}

      {gate && <BringBackDialog agent={agent.name} as={gate.as} changes={gate.reviewed} source={ws.source} onClose={() => setGate(null)} />}
      {comparing && <CompareView a={agent.name} b={comparing} onClose={() => setComparing(null)} />}
    </div>
  );
}

const EMPTY_FILES: ChangedFile[] = [];

/** The poll, apart: its every tick changes the store's loading and lastAt, which re-render only this. */
function ChangesPoller({ agent, running, panel }: { agent: string; running: boolean; panel: RefObject<HTMLElement | null> }) {
  useChangesPoll(agent, true, running, panel);
  return null;
}

function ReadingSpinner({ agent }: { agent: string }) {
  const loading = useWorkspaceChanges((state) => state.byAgent[agent]?.loading ?? false);
  return loading ? <Spinner /> : null;
}
