import { describe, expect, it } from 'vitest';
import { suggestName, type AgentTemplate } from '../../../shared/templates.js';
import type { ServerInfo } from '../../../shared/servers.js';
import type { ImageInfo } from '../../../shared/types.js';
import { limitsFromDraft } from './limits-form.js';
import { policyFromDraft } from './network-form.js';
import { inspection } from '../test-support/workspace.js';
import {
  WIZARD_STEPS,
  type StepContext,
  type WizardStep,
  createBlocker,
  creatableServers,
  diskForInspection,
  draftForTemplate,
  draftOnServer,
  imagePresent,
  nextStep,
  placementProblem,
  prefillLimits,
  previousStep,
  secretRows,
  stepProblem,
} from './wizard.js';

const none = { cpu: '', memory: '', processes: '', disk: '' };
const template = (over: Partial<AgentTemplate> = {}): AgentTemplate => ({
  id: 'claude-code',
  name: 'Claude Code',
  description: '',
  image: 'enclave-agents',
  installs: [],
  command: 'claude',
  env: {},
  secrets: [{ anyOf: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'], optional: false, help: '' }],
  namePrefix: 'claude',
  limits: { ...none, memory: '4GiB' },
  network: { mode: 'allowlist', allow: [{ host: 'api.anthropic.com', ports: [443] }], ingress: '', egress: '' },
  status: 'tmux',
  ...over,
});
const image = (alias: string): ImageInfo => ({ fingerprint: 'ab'.repeat(32), aliases: [alias], description: '', architecture: 'x86_64', sizeBytes: 1, uploadedAt: '', version: null, usedBy: [], usedElsewhere: 0 });
const defaults = { cpu: '2', memory: '2GiB', processes: '', disk: '10GiB' };

describe('the step model', () => {
  it('goes template → name → project → limits → network → secrets, and Back retraces it', () => {
    const order: string[] = ['template'];
    for (let s = nextStep(WIZARD_STEPS, 'template'); s; s = nextStep(WIZARD_STEPS, s)) order.push(s);
    expect(order).toEqual(['template', 'name', 'project', 'limits', 'network', 'secrets']);
    expect(previousStep(WIZARD_STEPS, 'template')).toBeNull();
    expect(previousStep(WIZARD_STEPS, 'limits')).toBe('project');
    expect(previousStep(WIZARD_STEPS, 'project')).toBe('name');
  });

  it('is data: a step inserted into the list is visited in its place', () => {
    const withExtra = [...WIZARD_STEPS.slice(0, 2), { id: 'extra', label: 'Extra' }, ...WIZARD_STEPS.slice(2)] as unknown as WizardStep[];
    expect(nextStep(withExtra, 'name')).toBe('extra');
    expect(nextStep(withExtra, 'extra' as never)).toBe('project');
  });
});

describe('name suggestion', () => {
  it('numbers from the prefix, taking the first free number', () => {
    expect(suggestName('claude', [])).toBe('claude-1');
    expect(suggestName('claude', ['claude-1', 'codex-1'])).toBe('claude-2');
    expect(suggestName('claude', ['claude-2'])).toBe('claude-1');
  });
});

describe('prefill', () => {
  it("takes the template's limits where it sets one, else the setting's default", () => {
    expect(prefillLimits({ ...none, memory: '4GiB' }, defaults)).toEqual({ cpu: '2', memory: '4GiB', processes: '', disk: '10GiB' });
  });

  it("fills name, limits and network from the template, an unlimited field staying unlimited", () => {
    const draft = draftForTemplate(template(), { taken: ['claude-1'], defaultLimits: defaults }, null);
    expect(draft.name).toBe('claude-2');
    expect(limitsFromDraft(draft.limits)).toEqual({ cpu: '2', memory: '4GiB', processes: '', disk: '10GiB' });
    expect(draft.limits.processes.unlimited).toBe(true);
    expect(policyFromDraft(draft.network)).toEqual(template().network);
  });

  it("a template that names no network gets Settings' default one", () => {
    const open = { mode: 'open' as const, allow: [], ingress: '10Mbit', egress: '' };
    const draft = draftForTemplate(template({ network: null }), { taken: [], defaultLimits: defaults, defaultNetwork: open }, null);
    expect(policyFromDraft(draft.network)).toEqual(open);
  });

  it('a template picked later keeps what the user changed and refills the rest', () => {
    const first = draftForTemplate(template(), { taken: [], defaultLimits: defaults }, null);
    const edited = { ...first, name: 'mine', description: 'notes', touched: { ...first.touched, name: true } };
    const codex = template({ id: 'codex', namePrefix: 'codex', limits: none, network: { mode: 'restricted', allow: [], ingress: '', egress: '' } });
    const next = draftForTemplate(codex, { taken: [], defaultLimits: defaults }, edited);
    expect(next.name).toBe('mine');
    expect(next.description).toBe('notes');
    expect(next.templateId).toBe('codex');
    expect(policyFromDraft(next.network).mode).toBe('restricted');
    expect(limitsFromDraft(next.limits)).toEqual(defaults);

    const untouched = draftForTemplate(codex, { taken: [], defaultLimits: defaults }, first);
    expect(untouched.name).toBe('codex-1');
  });
});

describe('what each step needs', () => {
  const context = (over: Partial<StepContext> = {}): StepContext => ({
    template: template(),
    taken: ['taken'],
    images: [image('enclave-agents')],
    storedSecrets: new Set<string>(['ANTHROPIC_API_KEY']),
    ...over,
  });
  const draft = draftForTemplate(template(), { taken: [], defaultLimits: defaults }, null);

  it('the template step: a template, whose image is here (unknown while images load)', () => {
    expect(stepProblem('template', draft, context({ template: null }))).toBe('Choose a template.');
    expect(stepProblem('template', draft, context({ images: [image('other')] }))).toBe('Image enclave-agents is not here: build it in Images.');
    expect(stepProblem('template', draft, context({ images: null }))).toBeNull();
    expect(imagePresent('abababababab', [image('x')])).toBe(true);
  });

  it('the name step: the naming rule and a free name', () => {
    expect(stepProblem('name', { ...draft, name: 'taken' }, context())).toContain('already exists');
    expect(stepProblem('name', { ...draft, name: '1bad' }, context())).toContain('starts with a digit');
    expect(stepProblem('name', draft, context())).toBeNull();
  });

  it('the limits and network steps: their forms are valid', () => {
    expect(stepProblem('limits', { ...draft, limits: { ...draft.limits, cpu: { value: 'lots', unlimited: false } } }, context())).not.toBeNull();
    expect(stepProblem('network', { ...draft, network: { ...draft.network, allow: [{ id: 1, host: 'not a host', ports: '' }] } }, context())).not.toBeNull();
  });

  it('the secrets step: a required secret not stored blocks Create, by name', () => {
    const bare = context({ storedSecrets: new Set() });
    expect(stepProblem('secrets', draft, bare)).toBe('Claude Code needs one of the secrets ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN: set one on the Secrets step.');
    expect(createBlocker(WIZARD_STEPS, draft, bare)).toEqual({ step: 'secrets', message: expect.stringContaining('ANTHROPIC_API_KEY') as string });
    expect(createBlocker(WIZARD_STEPS, draft, context())).toBeNull();
    const optional = template({ secrets: [{ anyOf: ['OPENAI_API_KEY'], optional: true, help: '' }] });
    expect(stepProblem('secrets', draft, { ...bare, template: optional })).toBeNull();
    // Unknown (secrets.list failed): the backend names what is missing at create.
    expect(stepProblem('secrets', draft, context({ storedSecrets: 'unknown' }))).toBeNull();
    expect(stepProblem('secrets', draft, context({ storedSecrets: null }))).toBe('Loading the stored secrets…');
  });

  it('the project step: none by default (nothing blocks); a folder chosen blocks Create until inspected and fine', () => {
    expect(draft.project.choice).toBe('none');
    expect(stepProblem('project', draft, context())).toBeNull();
    const copy = { ...draft, project: { ...draft.project, choice: 'copy' as const, path: '/home/user/project' } };
    expect(createBlocker(WIZARD_STEPS, copy, context())).toEqual({ step: 'project', message: 'Checking the folder…' });
    const done = { state: 'done' as const, path: '/home/user/project', disk: '', inspection: inspection() };
    expect(createBlocker(WIZARD_STEPS, copy, context({ project: done }))).toBeNull();
    const tooLarge = { ...done, inspection: inspection({ tooLarge: { needBytes: 20 * 2 ** 30, diskBytes: 10 * 2 ** 30 } }) };
    expect(stepProblem('project', copy, context({ project: tooLarge }))).toBe(
      'The copy needs 20 GiB and the disk limit is 10 GiB: raise the disk limit on the Limits step, or mount the folder instead.',
    );
  });

  it('a project keeps its choice when another template is picked', () => {
    const chosen = { ...draft, project: { ...draft.project, choice: 'mount' as const, path: '/srv/code' } };
    expect(draftForTemplate(template({ id: 'codex', namePrefix: 'codex' }), { taken: [], defaultLimits: defaults }, chosen).project).toEqual(chosen.project);
  });

  it('the disk a copy is checked against: the Limits step’s value, none when unlimited or invalid', () => {
    expect(diskForInspection({ ...draft.limits, disk: { value: '10GiB', unlimited: false } })).toBe('10GiB');
    expect(diskForInspection({ ...draft.limits, disk: { value: '10GiB', unlimited: true } })).toBe('');
    expect(diskForInspection({ ...draft.limits, disk: { value: 'big', unlimited: false } })).toBe('');
  });

  it('Create names the first step in order that stops it', () => {
    const blocked = createBlocker(WIZARD_STEPS, { ...draft, name: 'taken' }, context({ storedSecrets: new Set() }));
    expect(blocked?.step).toBe('name');
  });

  it('secret rows say which names of each need are set', () => {
    const rows = secretRows(template(), new Set(['CLAUDE_CODE_OAUTH_TOKEN']));
    expect(rows).toEqual([{ requirement: template().secrets[0], set: ['CLAUDE_CODE_OAUTH_TOKEN'], met: true }]);
    expect(secretRows(template(), new Set())[0]?.met).toBe(false);
  });
});

describe('the server and member of a new agent', () => {
  const online = (name: string, status = 'Online') => ({ name, url: '', status, message: '', roles: [], load: null, agents: 0 });
  const server = (name: string, state: 'connected' | 'connecting', cluster: ServerInfo['cluster'] = null): ServerInfo => ({
    name,
    address: name,
    source: name === 'local' ? 'local' : 'enclave',
    fingerprint: null,
    clientCertificate: null,
    status: state === 'connected' ? { state, socketPath: 's', serverVersion: '6', project: 'p', storageDrivers: [], warning: null } : { state, socketPath: 's', tried: [] },
    cluster,
  });
  const servers = [server('local', 'connected'), server('lab', 'connected'), server('edge', 'connecting'), server('cl', 'connected', [online('m1'), online('m2', 'Evacuated')])];
  const taken = ['claude-1', 'lab:claude-1', 'lab:claude-2'];
  const context = (over: Partial<StepContext> = {}): StepContext => ({ template: template(), taken, images: null, storedSecrets: null, servers, ...over });

  it('suggests a name free on the chosen server', () => {
    const local = draftForTemplate(template(), { taken, defaultLimits: defaults }, null);
    expect(local.server).toBe('local');
    expect(local.name).toBe('claude-2');
    expect(draftOnServer(local, 'lab', 'claude', taken).name).toBe('claude-3');
    expect(draftOnServer(local, 'cl', 'claude', taken).name).toBe('claude-1');
    const typed = { ...local, name: 'mine', touched: { ...local.touched, name: true } };
    expect(draftOnServer(typed, 'lab', 'claude', taken).name).toBe('mine');
  });

  it('checks the name on that server only', () => {
    const draft = draftForTemplate(template(), { taken, defaultLimits: defaults }, null);
    expect(stepProblem('name', { ...draft, server: 'lab', name: 'claude-2' }, context())).toContain('already exists on lab');
    expect(stepProblem('name', { ...draft, server: 'cl', name: 'claude-2' }, context())).toBeNull();
  });

  it('takes only a connected server and an online member', () => {
    const draft = draftForTemplate(template(), { taken, defaultLimits: defaults }, null);
    expect(creatableServers(servers).map((s) => s.name)).toEqual(['local', 'lab', 'cl']);
    expect(placementProblem({ server: 'edge', target: '' }, servers)).toContain('not connected');
    expect(placementProblem({ server: 'gone', target: '' }, servers)).toContain('no longer');
    expect(placementProblem({ server: 'cl', target: '' }, servers)).toBeNull();
    expect(placementProblem({ server: 'cl', target: 'm1' }, servers)).toBeNull();
    expect(placementProblem({ server: 'cl', target: 'm2' }, servers)).toContain('evacuated');
    expect(placementProblem({ server: 'lab', target: 'm1' }, servers)).toContain('not a member');
    expect(placementProblem({ server: 'local', target: '' }, undefined)).toBeNull();
    expect(stepProblem('name', { ...draft, server: 'edge' }, context())).toContain('not connected');
  });

  it("skips the local image check for another server's agent", () => {
    const draft = draftForTemplate(template(), { taken, defaultLimits: defaults }, null);
    expect(stepProblem('template', draft, context({ images: [image('other')] }))).not.toBeNull();
    expect(stepProblem('template', { ...draft, server: 'lab' }, context({ images: [image('other')] }))).toBeNull();
  });
});
