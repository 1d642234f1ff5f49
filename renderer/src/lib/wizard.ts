/**
 * The new-agent wizard as data: its steps in order, what each step needs before Next, and how a
 * template prefills the rest. The step list is data so a step (the workspace, next) is one
 * entry here plus one view in the wizard's step table.
 */
import { agentNameProblem } from '../../../shared/names.js';
import { LOCAL_SERVER, agentRef, type ServerInfo } from '../../../shared/servers.js';
import { suggestName, type AgentTemplate, type SecretRequirement } from '../../../shared/templates.js';
import type { AgentLimits, ImageInfo, NetworkPolicy } from '../../../shared/types.js';
import { type LimitsDraft, draftFromLimits, fieldProblem, fieldValue, draftValid as limitsValid } from './limits-form.js';
import { FALLBACK_POLICY, type NetworkDraft, draftFromPolicy, draftValid as networkValid } from './network-form.js';
import { type InspectState, type ProjectDraft, IDLE, defaultProject, projectProblem } from './workspace-form.js';
import { memberTone } from './cluster-format.js';
import { takenOn } from './server-display.js';

export type WizardStepId = 'template' | 'name' | 'project' | 'limits' | 'network' | 'secrets';

export interface WizardStep {
  id: WizardStepId;
  label: string;
}

export const WIZARD_STEPS: readonly WizardStep[] = [
  { id: 'template', label: 'Template' },
  { id: 'name', label: 'Name' },
  { id: 'project', label: 'Project' },
  { id: 'limits', label: 'Limits' },
  { id: 'network', label: 'Network' },
  { id: 'secrets', label: 'Secrets' },
];

export function stepIndex(steps: readonly WizardStep[], id: WizardStepId): number {
  return Math.max(0, steps.findIndex((step) => step.id === id));
}

/** The step after `id`, or null on the last one (where Enter creates). */
export function nextStep(steps: readonly WizardStep[], id: WizardStepId): WizardStepId | null {
  return steps[stepIndex(steps, id) + 1]?.id ?? null;
}

export function previousStep(steps: readonly WizardStep[], id: WizardStepId): WizardStepId | null {
  const at = stepIndex(steps, id);
  return at === 0 ? null : (steps[at - 1]?.id ?? null);
}

/** What the wizard holds; every step edits its own part, so Back and Next keep it all. */
export interface WizardDraft {
  templateId: string;
  /** The server the agent is made on (LOCAL_SERVER by default). */
  server: string;
  /** The bare name; the ref sent is agentRef(server, name). */
  name: string;
  /** The cluster member to place it on; '' leaves it to Incus's placement. */
  target: string;
  limits: LimitsDraft;
  network: NetworkDraft;
  description: string;
  /** The project to bring into /workspace (none by default). */
  project: ProjectDraft;
  /** Fields the user changed: a template picked later does not overwrite them. */
  touched: { name: boolean; limits: boolean; network: boolean };
}

/** Each limit from the template where it sets one, else the setting's default. */
export function prefillLimits(template: AgentLimits, defaults: AgentLimits): AgentLimits {
  const pick = (key: keyof AgentLimits) => (template[key] !== '' ? template[key] : defaults[key]);
  return { cpu: pick('cpu'), memory: pick('memory'), processes: pick('processes'), disk: pick('disk') };
}

export interface PrefillContext {
  /** Agent refs already in use (listed, or being created), of every server. */
  taken: readonly string[];
  /** The server a first draft is made on (default: local). */
  server?: string | undefined;
  defaultLimits: AgentLimits;
  /** Settings' default network, for templates that name none. */
  defaultNetwork?: NetworkPolicy | undefined;
}

/** A draft for `template`, keeping what the user already changed in `previous`. */
export function draftForTemplate(
  template: Pick<AgentTemplate, 'id' | 'namePrefix' | 'limits' | 'network'> | null,
  context: PrefillContext,
  previous: WizardDraft | null,
): WizardDraft {
  const touched = previous?.touched ?? { name: false, limits: false, network: false };
  const policy: NetworkPolicy = template?.network ?? context.defaultNetwork ?? FALLBACK_POLICY;
  const server = previous?.server ?? context.server ?? LOCAL_SERVER;
  return {
    templateId: template?.id ?? '',
    server,
    target: previous?.target ?? '',
    name: previous && touched.name ? previous.name : suggestName(template?.namePrefix ?? 'agent', takenOn(server, context.taken)),
    limits:
      previous && touched.limits ? previous.limits : draftFromLimits(prefillLimits(template?.limits ?? context.defaultLimits, context.defaultLimits)),
    network: previous && touched.network ? previous.network : draftFromPolicy(policy),
    description: previous?.description ?? '',
    project: previous?.project ?? defaultProject(),
    touched,
  };
}

/**
 * The draft on another server: no member chosen there yet, and a name the user did not type
 * suggested again so it is free on that server.
 */
export function draftOnServer(draft: WizardDraft, server: string, prefix: string, taken: readonly string[]): WizardDraft {
  return { ...draft, server, target: '', name: draft.touched.name ? draft.name : suggestName(prefix, takenOn(server, taken)) };
}

/** Servers an agent can be made on now: the connected ones (none listed: an older backend, local only). */
export function creatableServers(servers: readonly ServerInfo[]): ServerInfo[] {
  return servers.filter((s) => s.status.state === 'connected');
}

/** The disk limit a project copy must fit, as workspace.inspect takes it: '' for none (or while the field is invalid). */
export function diskForInspection(limits: LimitsDraft): string {
  return fieldProblem('disk', limits.disk) === null ? fieldValue(limits.disk) : '';
}

/** Whether the template's image is in Incus: null while the image list is not known. */
export function imagePresent(image: string, images: readonly ImageInfo[] | null): boolean | null {
  if (images === null) return null;
  return images.some((info) => info.aliases.includes(image) || info.fingerprint === image || (image.length >= 12 && info.fingerprint.startsWith(image)));
}

export function missingImageText(image: string): string {
  return `Image ${image} is not here: build it in Images.`;
}

export interface SecretRow {
  requirement: SecretRequirement;
  /** The names of this requirement that are stored. */
  set: string[];
  met: boolean;
}

/** Per requirement of the template: which of its secrets are stored, and whether that is enough. */
export function secretRows(template: Pick<AgentTemplate, 'secrets'>, stored: ReadonlySet<string>): SecretRow[] {
  return template.secrets.map((requirement) => {
    const set = requirement.anyOf.filter((name) => stored.has(name));
    return { requirement, set, met: set.length > 0 || requirement.optional };
  });
}

/** Like shared missingSecrets, pointing at this wizard's own Secrets step. */
export function unmetSecrets(template: Pick<AgentTemplate, 'name' | 'secrets'>, stored: ReadonlySet<string>): string[] {
  return secretRows(template, stored)
    .filter((row) => !row.met)
    .map(({ requirement: { anyOf } }) =>
      anyOf.length === 1
        ? `${template.name} needs the secret ${anyOf[0]}: set it on the Secrets step.`
        : `${template.name} needs one of the secrets ${anyOf.join(' or ')}: set one on the Secrets step.`,
    );
}

export interface StepContext {
  template: Pick<AgentTemplate, 'name' | 'image' | 'secrets'> | null;
  taken: readonly string[];
  images: readonly ImageInfo[] | null;
  /** Null while secrets.list has not answered; 'unknown' when it failed (the backend checks again). */
  storedSecrets: ReadonlySet<string> | null | 'unknown';
  /** What workspace.inspect said about the draft's project folder (currentInspection); idle when unknown. */
  project?: InspectState | undefined;
  /** Every server (servers.list); absent or empty from an older backend, where all is local. */
  servers?: readonly ServerInfo[] | undefined;
}

/** Why the chosen server or member cannot take the agent now, or null. */
export function placementProblem(draft: Pick<WizardDraft, 'server' | 'target'>, servers: readonly ServerInfo[] | undefined): string | null {
  if (!servers || servers.length === 0) return draft.server === LOCAL_SERVER ? null : `${draft.server} is not a known server.`;
  const server = servers.find((s) => s.name === draft.server);
  if (!server) return `${draft.server} is no longer a server here; choose another.`;
  if (server.status.state !== 'connected') return `${draft.server} is not connected; choose another server.`;
  if (draft.target === '') return null;
  const member = server.cluster?.find((m) => m.name === draft.target);
  if (!member) return `${draft.target} is not a member of ${draft.server}; choose another, or Automatic.`;
  if (memberTone(member.status) !== 'online') return `${draft.target} is ${member.status.toLowerCase()}; choose another member, or Automatic.`;
  return null;
}

/** Why the step cannot be left with Next (or the agent created), or null. */
export function stepProblem(step: WizardStepId, draft: WizardDraft, context: StepContext): string | null {
  switch (step) {
    case 'template':
      if (!context.template) return 'Choose a template.';
      // The image list is the local server's: another server's images are checked when creating.
      if (draft.server !== LOCAL_SERVER) return null;
      return imagePresent(context.template.image, context.images) === false ? missingImageText(context.template.image) : null;
    case 'name': {
      const placement = placementProblem(draft, context.servers);
      if (placement) return placement;
      if (context.taken.includes(agentRef(draft.server, draft.name))) {
        return draft.server === LOCAL_SERVER
          ? `An agent named ${draft.name} already exists; choose another name.`
          : `An agent named ${draft.name} already exists on ${draft.server}; choose another name.`;
      }
      return agentNameProblem(draft.name);
    }
    case 'project':
      return projectProblem(draft.project, context.project ?? IDLE);
    case 'limits':
      return limitsValid(draft.limits) ? null : 'Fix the marked limit, or tick its box.';
    case 'network':
      return networkValid(draft.network) ? null : 'Fix the marked network field.';
    case 'secrets':
      if (!context.template) return null;
      if (context.storedSecrets === null) return 'Loading the stored secrets…';
      if (context.storedSecrets === 'unknown') return null;
      return unmetSecrets(context.template, context.storedSecrets).join(' ') || null;
  }
}

/** The first step that stops Create, with its reason: Create shows it and can jump there. */
export function createBlocker(
  steps: readonly WizardStep[],
  draft: WizardDraft,
  context: StepContext,
): { step: WizardStepId; message: string } | null {
  for (const step of steps) {
    const message = stepProblem(step.id, draft, context);
    if (message) return { step: step.id, message };
  }
  return null;
}
