import { type KeyboardEvent, type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { TemplateInfo } from '../../../../shared/templates.js';
import { enclave } from '../../api.js';
import { errorMessage } from '../../lib/errors.js';
import { NO_LIMITS, limitsFromDraft } from '../../lib/limits-form.js';
import { policyFromDraft } from '../../lib/network-form.js';
import { useWorkspaceInspection } from '../../hooks/useWorkspaceInspection.js';
import { EMPTY_PROJECT, rememberRecent, requestFromDraft } from '../../lib/workspace-form.js';
import {
  WIZARD_STEPS,
  type StepContext,
  type WizardDraft,
  type WizardStepId,
  createBlocker,
  diskForInspection,
  draftForTemplate,
  nextStep,
  previousStep,
  stepIndex,
  stepProblem,
} from '../../lib/wizard.js';
import { loadSettings } from '../../snapshot-actions.js';
import { loadImages } from '../../image-actions.js';
import { loadSecrets, loadTemplates } from '../../template-actions.js';
import { useAgents } from '../../stores/agents.js';
import { useImages } from '../../stores/images.js';
import { useProgress } from '../../stores/progress.js';
import { useSettings } from '../../stores/settings.js';
import { useTemplates } from '../../stores/templates.js';
import { useServers } from '../../stores/servers.js';
import { LOCAL_SERVER, agentRef } from '../../../../shared/servers.js';
import { showToast } from '../../stores/toasts.js';
import { openAgentTerminal } from '../../terminal/manager.js';
import { Modal } from '../Modal.js';
import { Spinner } from '../Spinner.js';
import { TemplatesDialog } from '../templates/TemplatesDialog.js';
import { CreateProgress, type Creation } from './CreateProgress.js';
import { LimitsStep, NameStep, NetworkStep } from './FieldSteps.js';
import { ProjectStep } from './ProjectStep.js';
import { SecretsStep } from './SecretsStep.js';
import { TemplateStep } from './TemplateStep.js';
import type { StepProps } from './step-props.js';


/** The view of each step: a new step is an entry in WIZARD_STEPS plus one line here. */
const STEP_VIEWS: Record<WizardStepId, (props: StepProps) => ReactNode> = {
  template: TemplateStep,
  name: NameStep,
  project: ProjectStep,
  limits: LimitsStep,
  network: NetworkStep,
  secrets: SecretsStep,
};

function takenNames(agents: readonly { name: string }[], pending: Readonly<Record<string, unknown>>): string[] {
  return [...agents.map((a) => a.name), ...Object.keys(pending)];
}

/**
 * New agent: template → name → project → limits → network → secrets → create, each step prefilled from
 * the template. Enter goes on (creates on the last step), Escape cancels, Back keeps what was
 * entered. Create shows progress here and opens the agent's terminal when it is ready; hiding
 * the wizard meanwhile leaves the creation to its pending card (and the terminal to its button).
 */
export function NewAgentWizard({ onClose }: { onClose(): void }) {
  const titleId = useId();
  const list = useTemplates((s) => s.list);
  const listError = useTemplates((s) => s.error);
  const secrets = useTemplates((s) => s.secrets);
  const secretsError = useTemplates((s) => s.secretsError);
  const settings = useSettings((s) => s.settings);
  const imagesState = useImages((s) => s.state);
  const images = useImages((s) => s.images);
  const agents = useAgents((s) => s.agents);
  const pending = useProgress((s) => s.byAgent);
  const servers = useServers((s) => s.servers);

  const [step, setStep] = useState<WizardStepId>('template');
  const [draft, setDraft] = useState<WizardDraft | null>(null);
  const [managing, setManaging] = useState(false);
  const [creation, setCreation] = useState<Creation | null>(null);
  const closed = useRef(false);
  const body = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void loadTemplates();
    void loadSecrets();
    void loadImages();
    if (!useSettings.getState().settings) void loadSettings();
  }, []);

  const templates = useMemo(() => list?.templates ?? [], [list]);
  const template = templates.find((t) => t.id === draft?.templateId) ?? null;
  const taken = useMemo(() => takenNames(agents, pending), [agents, pending]);
  const defaultLimits = settings?.defaultLimits ?? NO_LIMITS;

  // The first draft, once the templates and settings it is made from are here: on the local
  // server, or the first connected one while the local one is not.
  useEffect(() => {
    if (draft || !list || !settings) return;
    const connected = servers.filter((s) => s.status.state === 'connected').map((s) => s.name);
    const server = connected.length === 0 || connected.includes(LOCAL_SERVER) ? LOCAL_SERVER : (connected[0] ?? LOCAL_SERVER);
    setDraft(draftForTemplate(list.templates[0] ?? null, { taken, server, defaultLimits, defaultNetwork: settings?.defaultNetwork }, null));
  }, [draft, list, settings, taken, defaultLimits, servers]);

  // On the wizard, not the step: a disk limit changed on the Limits step checks the copy again.
  const { inspect, recheck } = useWorkspaceInspection(draft?.project ?? EMPTY_PROJECT, draft ? diskForInspection(draft.limits) : '');

  const context: StepContext = {
    template,
    taken: creation ? taken.filter((n) => n !== creation.name) : taken,
    servers,
    images: imagesState === 'ready' ? images : null,
    storedSecrets: secrets ? new Set(secrets.secrets.map((s) => s.name)) : secretsError ? 'unknown' : null,
    project: inspect,
  };

  function close() {
    closed.current = true;
    onClose();
  }

  function go(to: WizardStepId) {
    setStep(to);
    body.current?.scrollTo({ top: 0 });
  }

  // Each step starts with the focus on its first field (or the step itself), so Enter and Tab
  // go on from there; the field that had it may be gone with the previous step.
  useEffect(() => {
    const root = body.current;
    if (!root || !draft) return;
    const field = root.querySelector<HTMLElement>('input[type="radio"]:checked, input:not([type="radio"]):not([type="checkbox"]):not(:disabled), select:not(:disabled)');
    (field ?? root).focus({ preventScroll: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- on a new step, or once the first draft is here
  }, [step, draft === null, creation === null]);

  function pickTemplate(t: TemplateInfo) {
    setDraft((previous) => draftForTemplate(t, { taken, defaultLimits, defaultNetwork: settings?.defaultNetwork }, previous));
  }

  function forward() {
    if (!draft || creation) return;
    if (stepProblem(step, draft, context)) return;
    const next = nextStep(WIZARD_STEPS, step);
    if (next) go(next);
    else create();
  }

  function back() {
    const previous = previousStep(WIZARD_STEPS, step);
    if (previous) go(previous);
  }

  function create() {
    if (!draft || !template || creation) return;
    const blocker = createBlocker(WIZARD_STEPS, draft, context);
    if (blocker) {
      go(blocker.step);
      return;
    }
    // The ref names the server; a bare name is the local server's.
    const name = agentRef(draft.server, draft.name);
    const target = draft.target;
    const description = draft.description.trim();
    const workspace = requestFromDraft(draft.project, inspect);
    setCreation({ name, command: template.command, error: null, workspace: workspace?.mode ?? null });
    enclave
      .invoke('agents.create', {
        name,
        ...(target ? { target } : {}),
        template: template.id,
        limits: limitsFromDraft(draft.limits),
        network: policyFromDraft(draft.network),
        ...(description ? { description } : {}),
        ...(workspace ? { workspace } : {}),
      })
      .then(
        () => {
          if (workspace) rememberRecent(workspace.path);
          // Hidden meanwhile, the user went on elsewhere: a tab taking the focus now would take their keys.
          if (closed.current) return;
          openAgentTerminal(name).catch((failure: unknown) =>
            showToast({ tone: 'error', message: `${name} runs, but its terminal did not open: ${errorMessage(failure)}` }),
          );
          close();
        },
        (failure: unknown) => {
          if (closed.current) useProgress.getState().fail(name, errorMessage(failure));
          else setCreation({ name, command: template.command, error: errorMessage(failure), workspace: workspace?.mode ?? null });
        },
      );
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key !== 'Enter' || event.nativeEvent.isComposing || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target instanceof HTMLTextAreaElement || target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement) return;
    event.preventDefault();
    if (creation?.error) return;
    forward();
  }

  const StepView = STEP_VIEWS[step];
  const blocker = draft ? createBlocker(WIZARD_STEPS, draft, context) : null;
  const problem = draft ? stepProblem(step, draft, context) : null;
  const last = nextStep(WIZARD_STEPS, step) === null;
  const at = stepIndex(WIZARD_STEPS, step);

  return (
    <Modal testId="new-agent-dialog" labelledBy={titleId} onClose={close} className="modal-wizard">
      <form
        className="wizard"
        noValidate
        onKeyDown={onKeyDown}
        onSubmit={(event) => {
          event.preventDefault();
          forward();
        }}
        data-step={step}
      >
        <div className="wizard-head">
          <h2 id={titleId} className="modal-title">
            New agent
          </h2>
          <ol className="wizard-steps" aria-label="Steps">
            {WIZARD_STEPS.map((s, i) => {
              const stepHasProblem = draft !== null && stepProblem(s.id, draft, context) !== null;
              return (
                <li key={s.id}>
                  <button
                    type="button"
                    className={['wizard-step', s.id === step && 'is-current', i < at && 'is-done', stepHasProblem && i !== at && 'has-problem']
                      .filter(Boolean)
                      .join(' ')}
                    data-testid={`wizard-step-${s.id}`}
                    aria-current={s.id === step ? 'step' : undefined}
                    disabled={creation !== null || draft === null}
                    onClick={() => go(s.id)}
                  >
                    <span className="wizard-step-number" aria-hidden="true">
                      {i + 1}
                    </span>
                    {s.label}
                  </button>
                </li>
              );
            })}
          </ol>
        </div>

        <div className="wizard-body" ref={body} tabIndex={-1}>
          {creation ? (
            <CreateProgress creation={creation} />
          ) : draft ? (
            <StepView
              draft={draft}
              change={setDraft}
              template={template}
              templates={templates}
              pickTemplate={pickTemplate}
              context={context}
              problem={problem}
              manageTemplates={() => setManaging(true)}
              leave={close}
              go={go}
              recheckProject={recheck}
            />
          ) : listError ? (
            <p className="field-problem" role="alert">
              The templates did not load: {listError}
            </p>
          ) : (
            <p className="placeholder" role="status">
              <Spinner /> Loading templates…
            </p>
          )}
        </div>

        <div className="wizard-foot">
          <p className="wizard-blocker" data-testid="create-blocker" aria-live="polite">
            {!creation && blocker ? `To create: ${blocker.message}` : ''}
          </p>
          <div className="modal-actions">
            <button type="button" className="button" data-testid="wizard-cancel" onClick={close}>
              {creation && !creation.error ? 'Hide' : 'Cancel'}
            </button>
            {creation?.error ? (
              <button type="button" className="button" data-testid="wizard-back" onClick={() => setCreation(null)}>
                Back
              </button>
            ) : (
              <>
                <button type="button" className="button" data-testid="wizard-back" disabled={at === 0 || creation !== null} onClick={back}>
                  Back
                </button>
                {!last && (
                  <button
                    type="button"
                    className="button button-primary"
                    data-testid="wizard-next"
                    disabled={problem !== null || creation !== null || draft === null}
                    onClick={forward}
                  >
                    Next
                  </button>
                )}
                <button
                  type="button"
                  className={last ? 'button button-primary' : 'button'}
                  data-testid="create-agent"
                  disabled={blocker !== null || creation !== null || draft === null}
                  title={blocker ? blocker.message : 'Create the agent with what the steps say now'}
                  onClick={create}
                >
                  {creation && <Spinner />}
                  {creation ? 'Creating…' : last ? 'Create' : 'Create now'}
                </button>
              </>
            )}
          </div>
        </div>
      </form>
      {managing && (
        <TemplatesDialog
          initial={template?.id ?? null}
          onClose={(lastSaved) => {
            setManaging(false);
            const saved = lastSaved ? useTemplates.getState().list?.templates.find((t) => t.id === lastSaved) : undefined;
            if (saved) pickTemplate(saved);
          }}
        />
      )}
    </Modal>
  );
}
