import { useId, useState } from 'react';
import { WORKSPACE_PATH, type WorkspaceInspection, type WorkspaceNote } from '../../../../shared/workspace.js';
import {
  type InspectState,
  type ProjectChoice,
  type ProjectDraft,
  inspectionHeadline,
  inspectionSize,
  loadRecent,
  mountUnavailable,
  mountWarning,
  pathFieldProblem,
  plural,
  tooLargeText,
} from '../../lib/workspace-form.js';
import { Spinner } from '../Spinner.js';

/** What a folder without git can become inside the agent. */
const NOT_GIT_CHOICES: { value: 'plain' | 'init'; title: string; about: string }[] = [
  { value: 'plain', title: 'Copy as plain files (no review)', about: 'the Changes panel and Fetch have nothing to compare against.' },
  { value: 'init', title: 'Initialise git inside the agent', about: 'the files become its first commit, so its changes can be reviewed. Your folder stays without git.' },
];

interface ProjectFieldsProps {
  draft: ProjectDraft;
  onChange(draft: ProjectDraft): void;
  /** The answer about this draft's folder (useWorkspaceInspection). */
  inspect: InspectState;
  /** Looks at the folder again (the user changed it on disk). */
  recheck(): void;
  /** "No project" is offered (the wizard); an agent getting a project has no such choice. */
  allowNone: boolean;
  /** How the user raises the disk limit from here, for the too-large refusal ("on the Limits step"). */
  raiseDiskWhere?: string;
  /** A button that leads there (the wizard's Limits step). */
  raiseDisk?: (() => void) | undefined;
  /**
   * A native folder chooser where there is one (Electron can offer its dialog here); browser
   * mode has none: the path is typed, and recent ones are a click away.
   */
  pickFolder?: (() => Promise<string | null>) | undefined;
  disabled?: boolean;
}

const CHOICES: readonly { id: ProjectChoice; name: string; about: string }[] = [
  { id: 'none', name: 'No project', about: 'Just the agent; a project can be added later.' },
  { id: 'copy', name: 'Copy a folder', about: 'A git copy on the agent\u2019s own disk, in its snapshots. Your folder stays untouched.' },
  { id: 'mount', name: 'Mount a folder live', about: 'Your folder itself: changes land in it at once, outside snapshots.' },
];

/** Notes with a control of their own here are not listed again. */
const SHOWN_ELSEWHERE = new Set<WorkspaceNote['kind']>(['not-git', 'uncommitted', 'too-large']);

/** Copy or mount a host folder at /workspace: the choice, the path, and what inspection found. */
export function ProjectFields({ draft, onChange, inspect, recheck, allowNone, raiseDiskWhere, raiseDisk, pickFolder, disabled = false }: ProjectFieldsProps) {
  const group = useId();
  const pathId = useId();
  const hintId = useId();
  const [recent] = useState(loadRecent);
  const set = (patch: Partial<ProjectDraft>) => onChange({ ...draft, ...patch });
  const inspection = inspect.state === 'done' ? inspect.inspection : null;
  const mountReason = inspection ? mountUnavailable(inspection) : null;
  const fieldProblem = pathFieldProblem(draft, inspect);
  const choices = allowNone ? CHOICES : CHOICES.filter((c) => c.id !== 'none');

  return (
    <div className="project-fields" data-testid="project-fields" data-choice={draft.choice}>
      <div className="project-choices" role="radiogroup" aria-label="Project">
        {choices.map((c) => {
          const checked = c.id === draft.choice;
          const unavailable = c.id === 'mount' && mountReason !== null;
          return (
            <label
              key={c.id}
              className={['template-choice', 'project-choice', checked && 'is-checked', unavailable && 'is-unavailable'].filter(Boolean).join(' ')}
              data-testid={`project-choice-${c.id}`}
            >
              <input type="radio" name={group} value={c.id} checked={checked} disabled={disabled} onChange={() => set({ choice: c.id })} />
              <span className="template-choice-name">
                {c.name}
                {c.id === 'copy' && <span className="badge">recommended</span>}
              </span>
              <span className="project-choice-about">{unavailable ? 'Not possible for this folder (see below).' : c.about}</span>
            </label>
          );
        })}
      </div>

      {draft.choice !== 'none' && (
        <>
          <div className="field project-path">
            <label htmlFor={pathId}>Folder on the computer Enclave runs on</label>
            <div className="project-path-row">
              <input
                id={pathId}
                data-testid="project-path"
                className="mono"
                value={draft.path}
                onChange={(event) => set({ path: event.target.value })}
                placeholder="/home/you/project"
                aria-invalid={fieldProblem !== null}
                aria-describedby={hintId}
                autoComplete="off"
                spellCheck={false}
                maxLength={4096}
                disabled={disabled}
              />
              {pickFolder && (
                <button
                  type="button"
                  className="button"
                  data-testid="project-pick"
                  disabled={disabled}
                  onClick={() =>
                    void pickFolder().then((picked) => {
                      if (picked) set({ path: picked });
                    })
                  }
                >
                  Choose…
                </button>
              )}
              {inspect.state !== 'idle' && inspect.state !== 'checking' && (
                <button type="button" className="button" data-testid="project-recheck" disabled={disabled} onClick={recheck} title="Look at the folder again">
                  Check again
                </button>
              )}
            </div>
            {fieldProblem ? (
              <p id={hintId} className="field-problem" data-testid="project-path-problem" role="alert">
                {fieldProblem}
              </p>
            ) : (
              <p id={hintId} className="field-hint">
                An absolute path; it appears in the agent at {WORKSPACE_PATH}.
              </p>
            )}
            {recent.length > 0 && (
              <div className="project-recent" data-testid="project-recent">
                <span>Recent:</span>
                {recent.map((path) => (
                  <button key={path} type="button" className="project-recent-path mono" disabled={disabled} onClick={() => set({ path })} title={path}>
                    {path}
                  </button>
                ))}
              </div>
            )}
          </div>

          {inspect.state === 'checking' && (
            <p className="project-checking" role="status" data-testid="project-checking">
              <Spinner /> Looking at the folder…
            </p>
          )}
          {inspection && (
            <FoundBox
              draft={draft}
              inspection={inspection}
              set={set}
              disabled={disabled}
              mountReason={mountReason}
              raiseDiskWhere={raiseDiskWhere}
              raiseDisk={raiseDisk}
            />
          )}
        </>
      )}
    </div>
  );
}

interface FoundBoxProps {
  draft: ProjectDraft;
  inspection: WorkspaceInspection;
  set(patch: Partial<ProjectDraft>): void;
  disabled: boolean;
  mountReason: string | null;
  raiseDiskWhere?: string | undefined;
  raiseDisk?: (() => void) | undefined;
}

function FoundBox({ draft, inspection, set, disabled, mountReason, raiseDiskWhere, raiseDisk }: FoundBoxProps) {
  const notGitGroup = useId();
  const notes = inspection.notes.filter((note) => !SHOWN_ELSEWHERE.has(note.kind));
  const copying = draft.choice === 'copy';
  const tooLarge = copying ? tooLargeText(inspection, raiseDiskWhere) : null;
  return (
    <section className="project-found" data-testid="project-inspection" data-kind={inspection.kind} aria-label="What Enclave found">
      <p className="project-found-head">
        <strong data-testid="project-headline">{inspectionHeadline(inspection)}</strong>
        <span className="project-found-size" data-testid="project-size">
          {inspectionSize(inspection)}
        </span>
      </p>
      {inspection.path !== draft.path.trim() && (
        <p className="field-hint" data-testid="project-resolved">
          Resolves to <span className="mono">{inspection.path}</span>
        </p>
      )}

      {copying &&
        inspection.kind === 'git' &&
        (inspection.uncommittedFiles > 0 ? (
          <label className="check-row project-uncommitted" data-testid="project-uncommitted">
            <input type="checkbox" checked={draft.uncommitted} disabled={disabled} onChange={(event) => set({ uncommitted: event.target.checked })} />
            Include uncommitted changes ({plural(inspection.uncommittedFiles, 'file')}); without them the copy starts at the last commit
          </label>
        ) : (
          <p className="field-hint" data-testid="project-uncommitted">
            No uncommitted changes: the copy is the last commit.
          </p>
        ))}

      {copying && inspection.kind === 'plain' && (
        <fieldset className="project-not-git" data-testid="project-not-git">
          <legend>This folder is no git repository. How should it come in?</legend>
          {NOT_GIT_CHOICES.map((choice) => (
            <label key={choice.value} className="check-row">
              <input
                type="radio"
                name={notGitGroup}
                data-testid={`project-not-git-${choice.value}`}
                checked={draft.notGit === choice.value}
                disabled={disabled}
                onChange={() => set({ notGit: choice.value })}
              />
              <span>
                <strong>{choice.title}</strong>: {choice.about}
              </span>
            </label>
          ))}
        </fieldset>
      )}

      {tooLarge && (
        <div className="project-refusal" role="alert" data-testid="project-too-large">
          <span>{tooLarge}</span>
          {raiseDisk && (
            <button type="button" className="button button-small" data-testid="project-raise-disk" onClick={raiseDisk}>
              Go to Limits
            </button>
          )}
        </div>
      )}

      {draft.choice === 'mount' &&
        (mountReason ? (
          <div className="project-refusal" role="alert" data-testid="project-mount-impossible">
            <span>
              A live mount is not possible here. {mountReason} The copy works for this folder.
            </span>
            <button type="button" className="button button-small" data-testid="project-use-copy" disabled={disabled} onClick={() => set({ choice: 'copy' })}>
              Copy instead
            </button>
          </div>
        ) : (
          <>
            <label className="check-row" data-testid="project-read-only">
              <input type="checkbox" checked={draft.readOnly} disabled={disabled} onChange={(event) => set({ readOnly: event.target.checked })} />
              Read-only: the agent can read the folder but not change it
            </label>
            <p className="wizard-note project-mount-warning" data-testid="project-mount-warning">
              {mountWarning(draft.readOnly)}
            </p>
          </>
        ))}

      {notes.length > 0 && (
        <ul className="project-notes" data-testid="project-notes">
          {notes.map((note) => (
            <li key={`${note.kind}:${note.message}`} data-kind={note.kind}>
              {note.message}
              {note.paths.length > 0 && (
                <span className="project-note-paths mono">
                  {note.paths.map((path) => (
                    <code key={path}>{path}</code>
                  ))}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
