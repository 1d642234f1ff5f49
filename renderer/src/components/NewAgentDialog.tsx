import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { AgentProgress } from '../../../shared/types.js';
import { AGENT_NAME_RULE, agentNameProblem, suggestAgentName } from '../../../shared/names.js';
import { enclave } from '../api.js';
import { errorMessage } from '../lib/errors.js';
import { defaultImage, imageChoices } from '../lib/images.js';
import { FALLBACK_POLICY, type NetworkDraft, draftFromPolicy, draftValid, policyFromDraft } from '../lib/network-form.js';
import { loadSettings } from '../snapshot-actions.js';
import { useSettings } from '../stores/settings.js';
import { useAgents } from '../stores/agents.js';
import { useImages } from '../stores/images.js';
import { useProgress } from '../stores/progress.js';
import { loadImages } from '../sync.js';
import { InlineError } from './InlineError.js';
import { Modal } from './Modal.js';
import { NetworkFields } from './network/NetworkFields.js';
import { Spinner } from './Spinner.js';

interface Submission {
  name: string;
  /** What already existed under this name, so only news about this request counts as accepted. */
  agentExisted: boolean;
  progressBefore: AgentProgress | undefined;
}

function takenNames(): string[] {
  return [...useAgents.getState().agents.map((agent) => agent.name), ...Object.keys(useProgress.getState().byAgent)];
}

/**
 * Asks for a name, an image, a description and a network policy (prefilled from the settings'
 * default), then calls agents.create. The dialog closes as
 * soon as the backend shows it accepted the request (the call returned, or the agent's first
 * progress event or list entry arrived); until then a failure, such as a duplicate name, is
 * shown here. A failure arriving after it closed goes to the agent's pending card.
 */
export function NewAgentDialog({ onClose }: { onClose(): void }) {
  const titleId = useId();
  const nameId = useId();
  const nameHintId = useId();
  const imageId = useId();
  const descriptionId = useId();
  const nameInput = useRef<HTMLInputElement>(null);

  const [name, setName] = useState(() => suggestAgentName(takenNames()));
  const [image, setImage] = useState('');
  const [description, setDescription] = useState('');
  const defaultNetwork = useSettings((state) => state.settings?.defaultNetwork ?? null);
  // Null until the user touches it: the default shown follows the settings until then.
  const [network, setNetwork] = useState<NetworkDraft | null>(null);
  const shownNetwork = useMemo(() => network ?? draftFromPolicy(defaultNetwork ?? FALLBACK_POLICY), [network, defaultNetwork]);
  const [submitted, setSubmitted] = useState<Submission | null>(null);
  const [error, setError] = useState<string | null>(null);
  const closed = useRef(false);

  const images = useImages((state) => state.images);
  const imagesState = useImages((state) => state.state);
  const imagesError = useImages((state) => state.error);
  const listed = useAgents(
    (state) => submitted !== null && !submitted.agentExisted && state.agents.some((agent) => agent.name === submitted.name),
  );
  const progressing = useProgress((state) => {
    if (submitted === null) return false;
    const progress = state.byAgent[submitted.name];
    // A failure is answered by the call's own rejection, which this dialog then shows.
    return progress !== undefined && progress !== submitted.progressBefore && progress.stage !== 'failed';
  });

  const problem = agentNameProblem(name);
  const choices = useMemo(() => imageChoices(images), [images]);

  useEffect(() => {
    void loadImages();
    if (!useSettings.getState().settings) void loadSettings();
  }, []);

  useEffect(() => {
    nameInput.current?.select();
  }, []);

  // Pick the default image once the list arrives, unless the user already chose one that exists.
  useEffect(() => {
    if (!choices.some((choice) => choice.value === image)) setImage(defaultImage(images));
  }, [images, image, choices]);

  // The fields were disabled while the call ran, which took the focus away; the name is
  // what a refused create usually needs changed.
  useEffect(() => {
    if (error) nameInput.current?.focus();
  }, [error]);

  function close() {
    closed.current = true;
    onClose();
  }

  useEffect(() => {
    if ((listed || progressing) && !closed.current) close();
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (problem || !image || submitted || !draftValid(shownNetwork)) return;
    const agentName = name;
    const trimmed = description.trim();
    const policy = policyFromDraft(shownNetwork);
    setSubmitted({
      name: agentName,
      agentExisted: useAgents.getState().agents.some((agent) => agent.name === agentName),
      progressBefore: useProgress.getState().byAgent[agentName],
    });
    setError(null);
    enclave
      .invoke('agents.create', { name: agentName, image, network: policy, ...(trimmed ? { description: trimmed } : {}) })
      .then(
        () => {
          if (!closed.current) close();
        },
        (failure: unknown) => {
          if (closed.current) {
            useProgress.getState().fail(agentName, errorMessage(failure));
          } else {
            setSubmitted(null);
            setError(errorMessage(failure));
          }
        },
      );
  }

  const busy = submitted !== null;
  const canCreate = !problem && image !== '' && draftValid(shownNetwork) && !busy;

  return (
    <Modal testId="new-agent-dialog" labelledBy={titleId} onClose={close} initialFocus={nameInput}>
      <form onSubmit={submit} noValidate>
        <h2 id={titleId} className="modal-title">
          New agent
        </h2>

        <div className="field">
          <label htmlFor={nameId}>Name</label>
          <input
            id={nameId}
            ref={nameInput}
            data-testid="agent-name"
            value={name}
            onChange={(event) => {
              setName(event.target.value);
              setError(null);
            }}
            aria-invalid={problem !== null}
            aria-describedby={nameHintId}
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
            disabled={busy}
          />
          {problem ? (
            <p id={nameHintId} className="field-problem" data-testid="agent-name-problem" role="alert">
              {problem}
            </p>
          ) : (
            <p id={nameHintId} className="field-hint">
              {AGENT_NAME_RULE}
            </p>
          )}
        </div>

        <div className="field">
          <label htmlFor={imageId}>Image</label>
          <select
            id={imageId}
            data-testid="agent-image"
            value={image}
            onChange={(event) => setImage(event.target.value)}
            disabled={busy || choices.length === 0}
          >
            {choices.length === 0 && <option value="">{imagesState === 'loading' ? 'Loading images…' : 'No images'}</option>}
            {choices.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
          {imagesState === 'failed' && imagesError && <p className="field-problem">{imagesError}</p>}
          {imagesState === 'ready' && choices.length === 0 && (
            <p className="field-problem">Incus has no images in this project. Import or build the agent image first.</p>
          )}
        </div>

        <div className="field">
          <label htmlFor={descriptionId}>
            Description <span className="optional">(optional)</span>
          </label>
          <input
            id={descriptionId}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            maxLength={1024}
            placeholder="What this agent works on"
            disabled={busy}
          />
        </div>

        <fieldset className="settings-group network-group" data-testid="new-agent-network">
          <legend>Network</legend>
          <NetworkFields draft={shownNetwork} onChange={setNetwork} disabled={busy} testPrefix="new-agent-network" />
        </fieldset>

        {error && (
          <InlineError testId="new-agent-error" message={error} />
        )}

        <div className="modal-actions">
          <button type="button" className="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" data-testid="create-agent" disabled={!canCreate}>
            {busy && <Spinner />}
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
