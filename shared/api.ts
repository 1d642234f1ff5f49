/**
 * The one contract between the renderer and the backend. Every request names its argument
 * schema (checked at runtime by both transports before a service sees it) and its result
 * type; every pushed event names its payload type. Transports and the renderer's client are
 * generic over these maps: a new method is added here and in the service, nowhere else.
 */
import { z } from 'zod';
import { LIMIT_PROBLEMS } from './limits.js';
import { networkPolicy } from './network-schema.js';
import { ruled } from './ruled.js';
import { IMAGE_UPLOAD_MAX_BYTES, MAX_SCRIPT_CHARS, imageAliasProblem, imageVersionProblem } from './images.js';
import { AGENT_CLIS, TEMPLATE_ID_RULE, templateSchema, envNameProblem, type AgentCli, type TemplateInfo, type TemplateList } from './templates.js';
import type { AgentRunStatus } from './agent-status.js';
import type { UiCommand } from './ui-commands.js';
import { secretValueProblem, type SecretsInfo } from './secrets.js';
import { commitMessageProblem, hostPathProblem, isCommitId, pathIdProblem, type BroughtBack, type FileDiff, type WorkspaceChanges, type WorkspaceComparison, type WorkspaceInspection } from './workspace.js';
import { agentRefProblem, serverNameProblem, type ServerInfo, type ServerProbe } from './servers.js';
import { agentNameProblem, expiryProblem, scheduleProblem, snapshotNameProblem } from './names.js';
import type {
  Agent,
  AgentChangeResult,
  AgentProgress,
  AgentsChange,
  ConnectionStatus,
  ErrorInfo,
  ActivityEntry,
  GuardAlert,
  GuardSettings,
  ImageBuild,
  ImageBuildLog,
  ImageImportProgress,
  ImageInfo,
  MissingImage,
  LimitsResult,
  OperationProgress,
  TelemetryBatch,
  TelemetrySample,
  RestoreResult,
  SetupLog,
  SetupStarted,
  Settings,
  Snapshot,
  SnapshotsChange,
  TerminalData,
  TerminalInfo,
  TerminalsChange,
} from './types.js';

/** Declares a request: its argument schema now, its result type as a type parameter. */
function request<Result>() {
  return <Args extends z.ZodType>(args: Args) => ({ args, result: undefined as unknown as Result });
}
/** Declares a pushed event stream by its payload type. */
function event<Payload>() {
  return { payload: undefined as unknown as Payload };
}

/** An agent's ref: its bare name on the local server, `server:name` on another. */
export const agentName = z.string().superRefine((value, ctx) => {
  const problem = agentRefProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
/** A plain agent name, without a server. */
export const bareAgentName = ruled(agentNameProblem);
export const serverName = ruled(serverNameProblem);
/** https://host[:port] or host[:port]; checked and normalised by the backend (servers/address.ts). */
const serverAddress = z
  .string()
  .min(1, 'Give the server address, e.g. https://incus.example:8443.')
  .max(300, 'A server address is at most 300 characters.')
  .regex(/^(https:\/\/)?[A-Za-z0-9.:[\]-]+(:[0-9]{1,5})?\/?$/, 'A server address is host or host:port, optionally after https:// (no path).');
const certFingerprint = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'A certificate fingerprint is the 64 lowercase hex digits of its SHA-256 (servers.probe shows it).');
const trustToken = z
  .string()
  .min(20, 'A trust token is the long text `incus config trust add` prints.')
  .max(4096, 'A trust token is at most 4096 characters.')
  .regex(/^[A-Za-z0-9+/=_-]+$/, 'A trust token is base64 text, as `incus config trust add` prints it.');
const memberName = z.string().min(1).max(63).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'A cluster member is named as Incus lists it.');

const snapshotName = ruled(snapshotNameProblem);
const schedule = ruled(scheduleProblem);
const expiry = ruled(expiryProblem);
const comment = z.string().max(1024, 'A comment is at most 1024 characters.');
const isoTime = z.iso.datetime({ offset: true, message: 'A time is an ISO 8601 date-time such as 2027-01-31T12:00:00Z.' });
const snapshotSchedule = z.object({ schedule, expiry }).strict();
const guardSettings = z
  .object({
    enabled: z.boolean(),
    cpuPinnedSeconds: z.number().int().min(5, 'At least 5 seconds.').max(3600, 'At most an hour.'),
    memoryPercent: z.number().int().min(10).max(100),
    processesPercent: z.number().int().min(10).max(100),
    diskPercent: z.number().int().min(10).max(100),
    forkRatePerSecond: z.number().int().min(5).max(100000),
    autoFreeze: z.boolean(),
  })
  .strict();
const limits = z
  .object({
    cpu: ruled(LIMIT_PROBLEMS.cpu),
    memory: ruled(LIMIT_PROBLEMS.memory),
    processes: ruled(LIMIT_PROBLEMS.processes),
    disk: ruled(LIMIT_PROBLEMS.disk),
  })
  .strict();

export { networkPolicy };

const imageRef = z
  .string()
  .min(1, 'Choose an image.')
  .max(256, 'An image alias or fingerprint is at most 256 characters.')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/:-]*$/, 'An image is named by its alias or fingerprint (letters, digits, . _ / : -).');

const fingerprint = z.string().regex(/^[0-9a-f]{12,64}$/, 'An image is named here by its fingerprint (12 to 64 lowercase hex digits).');
const imageAlias = ruled(imageAliasProblem);
const uuid = (what: string) => z.string().regex(/^[0-9a-f-]{36}$/, `${what} is the id Enclave gave it.`);
const buildId = uuid('A build id');
const uploadId = uuid('An upload id');
const imageBuild = z
  .object({
    alias: imageAlias,
    version: ruled(imageVersionProblem).optional(),
    base: imageRef.optional(),
    installs: z
      .array(z.enum(AGENT_CLIS as [AgentCli, ...AgentCli[]], { message: `A CLI is one of ${AGENT_CLIS.join(', ')}.` }))
      .max(AGENT_CLIS.length, `At most ${AGENT_CLIS.length} CLIs.`)
      .refine((l) => new Set(l).size === l.length, 'Each CLI is named once.'),
    script: z
      .string()
      .min(1, 'The provision script is empty.')
      .max(MAX_SCRIPT_CHARS, `A provision script is at most ${MAX_SCRIPT_CHARS} characters.`)
      .refine((s) => !s.includes('\0'), 'A provision script has no NUL characters.')
      .optional(),
    network: networkPolicy.optional(),
    /** The server the builder runs on and the image lands on (default: local). */
    server: serverName.optional(),
  })
  .strict();
const tarballPath = z
  .string()
  .min(1, 'Give the path of the tarball.')
  .max(4096, 'A path is at most 4096 characters.')
  .refine((p) => p.startsWith('/'), 'The tarball is named by an absolute path on the computer Enclave runs on.')
  .refine((p) => !p.includes('\0'), 'A path has no NUL characters.');
const templateId = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, TEMPLATE_ID_RULE);
const secretName = ruled(envNameProblem);
const secretValue = ruled(secretValueProblem);

const hostPath = ruled(hostPathProblem);
const pathId = ruled(pathIdProblem);
const commitId = z.string().refine(isCommitId, 'A commit is named by its full id (40 or 64 lowercase hex digits).');
export const workspaceRequest = z.discriminatedUnion(
  'mode',
  [
    z.object({ mode: z.literal('copy'), path: hostPath, uncommitted: z.boolean(), notGit: z.enum(['plain', 'init']).optional() }).strict(),
    z.object({ mode: z.literal('mount'), path: hostPath, readOnly: z.boolean() }).strict(),
  ],
  { message: 'A workspace is {mode: "copy", path, uncommitted} or {mode: "mount", path, readOnly}.' },
);

const description = z.string().max(1024, 'A description is at most 1024 characters.');

/** Terminal output and input travel as bytes, never as strings. */
export const MAX_TERMINAL_INPUT_BYTES = 64 * 1024;
const terminalId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'A terminal id is the id terminals.open or terminals.list gave.');
const cols = z.number().int().min(2, 'A terminal is at least 2 columns wide.').max(1000, 'A terminal is at most 1000 columns wide.');
const rows = z.number().int().min(2, 'A terminal is at least 2 rows high.').max(500, 'A terminal is at most 500 rows high.');
const bytes = z
  .instanceof(Uint8Array, { message: 'Terminal input is bytes (a Uint8Array), not text.' })
  .refine((b) => b.byteLength <= MAX_TERMINAL_INPUT_BYTES, `Terminal input is at most ${MAX_TERMINAL_INPUT_BYTES} bytes per call.`);

export const requests = {
  'system.status': request<ConnectionStatus>()(z.object({}).strict()),
  /** Runs scripts/setup-incus.sh (only where system.status's setup offer is available); output comes as system.setupLog. */
  'system.setupIncus': request<SetupStarted>()(z.object({}).strict()),
  /** Every agent of every server that answers (each server's own state is in servers.list). */
  'agents.list': request<Agent[]>()(z.object({}).strict()),
  /** On the server the name's ref names (`server:name`); `target` is a cluster member, absent = Incus's placement. */
  'agents.create': request<Agent>()(
    z
      .object({
        name: agentName,
        target: memberName.optional(),
        /** With a template, its image is used unless `image` names another. */
        image: imageRef.optional(),
        template: templateId.optional(),
        description: description.optional(),
        network: networkPolicy.optional(),
        limits: limits.partial().optional(),
        /** The project to bring in (copied at the host's HEAD by default, or mounted). */
        workspace: workspaceRequest.optional(),
      })
      .strict()
      .refine((a) => a.image !== undefined || a.template !== undefined, { message: 'Choose a template or an image.', path: ['template'] }),
  ),
  /** What a host folder is (git or not, size, notes, whether it can be mounted); `disk` checks it fits that limit. */
  'workspace.inspect': request<WorkspaceInspection>()(z.object({ path: hostPath, disk: ruled(LIMIT_PROBLEMS.disk).optional() }).strict()),
  /** Brings a project into an existing agent that has none. */
  'workspace.attach': request<AgentChangeResult>()(z.object({ agent: agentName, workspace: workspaceRequest }).strict()),
  /** The agent's work against its base, read from inside it; an unchanged tree is answered from cache. */
  'workspace.changes': request<WorkspaceChanges>()(z.object({ agent: agentName }).strict()),
  /**
   * Both sides of one changed file: the base's and the agent's (committed or not); with
   * `against`, agent's version (old) against that other agent's (new).
   */
  'workspace.fileDiff': request<FileDiff>()(z.object({ agent: agentName, id: pathId, from: pathId.optional(), against: agentName.optional() }).strict()),
  /** Two agents from one base: which files each changed, and whether they ended alike. */
  'workspace.compare': request<WorkspaceComparison>()(z.object({ a: agentName, b: agentName }).strict()),
  /**
   * The review gate: brings the agent's work back as branch enclave/<agent> or as a patch on
   * the host's working tree. `reviewed` is the fingerprint of the changes the user looked at
   * (refused when the work changed since); uncommitted work is committed inside first with
   * `message`; `force` replaces a host branch that is not an ancestor (rewritten history).
   */
  'workspace.fetch': request<BroughtBack>()(
    z
      .object({
        agent: agentName,
        as: z.enum(['branch', 'patch']),
        reviewed: z.string().regex(/^[0-9a-f]{16,64}$/, 'reviewed is the fingerprint workspace.changes gave.'),
        message: ruled(commitMessageProblem).optional(),
        force: z.boolean().optional(),
        /** The head commit the user saw, when the review showed one. */
        head: commitId.nullable().optional(),
      })
      .strict(),
  ),
  'templates.list': request<TemplateList>()(z.object({}).strict()),
  /** Creates or replaces one of the user's templates (built-ins are read-only). */
  'templates.save': request<TemplateInfo>()(z.object({ template: templateSchema }).strict()),
  'templates.delete': request<Record<string, never>>()(z.object({ id: templateId }).strict()),
  /** Names and dates only: a secret's value never leaves the backend. */
  'secrets.list': request<SecretsInfo>()(z.object({}).strict()),
  'secrets.set': request<SecretsInfo>()(z.object({ name: secretName, value: secretValue }).strict()),
  'secrets.delete': request<SecretsInfo>()(z.object({ name: secretName }).strict()),
  /** Every running agent's run state (working, waiting, idle, exited). */
  'agents.runStatus': request<AgentRunStatus[]>()(z.object({}).strict()),
  /** Starts the template's command again in the agent's session (after it exited). */
  'agents.restartCommand': request<AgentRunStatus>()(z.object({ agent: agentName }).strict()),
  /** Turns the agent's "waiting for input" notifications on or off (user.enclave.notify). */
  'agents.setNotify': request<Agent>()(z.object({ agent: agentName, on: z.boolean() }).strict()),
  /** Changes the agent's network policy; live on a running agent. */
  'agents.setNetwork': request<AgentChangeResult>()(z.object({ agent: agentName, policy: networkPolicy }).strict()),
  /** Removes what breaks Enclave's isolation (the user confirmed the listed problems). */
  'agents.fixIsolation': request<AgentChangeResult>()(z.object({ agent: agentName }).strict()),
  'agents.action': request<Agent>()(
    z
      .object({
        name: agentName,
        action: z.enum(['start', 'stop', 'restart', 'freeze', 'unfreeze']),
        force: z.boolean().optional(),
      })
      .strict(),
  ),
  'agents.delete': request<{ name: string }>()(z.object({ name: agentName }).strict()),
  'images.list': request<ImageInfo[]>()(z.object({ server: serverName.optional() }).strict()),
  /** Deletes an image; refused (conflict), naming them, while agents or other instances use it. */
  'images.delete': request<Record<string, never>>()(z.object({ fingerprint, server: serverName.optional() }).strict()),
  /** Copies an image from one server to another (exported and uploaded by Enclave), keeping its aliases and version. */
  'images.copy': request<ImageInfo>()(z.object({ fingerprint, from: serverName, to: serverName }).strict()),
  /** The images templates name that Incus lacks, with the CLIs a build for each installs. */
  'images.missing': request<MissingImage[]>()(z.object({ server: serverName.optional() }).strict()),
  /**
   * Starts a build and answers at once: a builder from `base` (enclave-agent), on `network`
   * (the built-in script's registries allowlist), runs `script` (the built-in one for
   * `installs`) and is published as `alias` with `version`. States come as images.build,
   * the log as images.buildLog.
   */
  'images.build': request<ImageBuild>()(imageBuild),
  /** Builds running or kept (failed ones keep their builder until dismissed), with their logs. */
  'images.builds': request<ImageBuild[]>()(z.object({ server: serverName.optional() }).strict()),
  'images.cancelBuild': request<ImageBuild>()(z.object({ id: buildId }).strict()),
  /** Forgets an ended build and deletes the builder it kept. */
  'images.dismissBuild': request<Record<string, never>>()(z.object({ id: buildId }).strict()),
  /** Starts an upload of a tarball from the window, sent in pieces with images.uploadChunk. */
  'images.uploadBegin': request<{ id: string }>()(
    z
      .object({
        name: z.string().min(1, 'The file has a name.').max(255, 'A file name is at most 255 characters.'),
        size: z.number().int().min(1, 'The file is empty.').max(IMAGE_UPLOAD_MAX_BYTES, `An image is at most ${IMAGE_UPLOAD_MAX_BYTES / 1024 ** 3} GiB.`),
      })
      .strict(),
  ),
  /** One piece, in order (`offset` is where the last one ended), at most 64 KiB. */
  'images.uploadChunk': request<{ received: number }>()(
    z
      .object({
        id: uploadId,
        offset: z.number().int().min(0, 'An offset is at least 0.'),
        data: z
          .instanceof(Uint8Array, { message: 'A piece is bytes (a Uint8Array), not text.' })
          .refine((b) => b.byteLength > 0 && b.byteLength <= MAX_TERMINAL_INPUT_BYTES, `A piece is 1 to ${MAX_TERMINAL_INPUT_BYTES} bytes.`),
      })
      .strict(),
  ),
  'images.uploadCancel': request<Record<string, never>>()(z.object({ id: uploadId }).strict()),
  /** Imports a unified tarball: a finished upload, or a file on the backend's computer; progress as images.importProgress. */
  'images.import': request<ImageInfo>()(
    z
      .object({
        source: z.union([z.object({ path: tarballPath }).strict(), z.object({ upload: uploadId }).strict()], {
          message: 'The source is {path} (a file on the computer Enclave runs on) or {upload} (an upload id).',
        }),
        alias: imageAlias.optional(),
        server: serverName.optional(),
      })
      .strict(),
  ),
  'agents.clone': request<Agent>()(
    z
      .object({ source: agentName, snapshot: snapshotName.optional(), name: agentName })
      .strict(),
  ),
  /** Copies a stopped or running agent (stateless) to another server as `name` (default: its own name). */
  'agents.copyTo': request<Agent>()(z.object({ agent: agentName, server: serverName, name: bareAgentName.optional() }).strict()),
  /** Moves a stopped agent to another member of its cluster. */
  'agents.move': request<Agent>()(z.object({ agent: agentName, member: memberName }).strict()),
  /** Every server: the local socket, the CLI's remotes, the ones added here; each with its own state. */
  'servers.list': request<ServerInfo[]>()(z.object({}).strict()),
  /** First contact: the server's certificate fingerprint, to show before anything is pinned. Nothing is stored. */
  'servers.probe': request<ServerProbe>()(z.object({ address: serverAddress }).strict()),
  /**
   * Adds a server: with a trust token (its fingerprint is checked against the server's
   * certificate, then Enclave's client certificate is trusted by the token), or with the
   * fingerprint the user confirmed from servers.probe (the client must already be trusted).
   */
  'servers.add': request<ServerInfo>()(
    z
      .object({ name: serverName, address: serverAddress, token: trustToken.optional(), fingerprint: certFingerprint.optional() })
      .strict()
      .refine((a) => (a.token === undefined) !== (a.fingerprint === undefined), {
        message: 'Give either a trust token or the fingerprint you confirmed, not both.',
        path: ['token'],
      }),
  ),
  /** Removes a server added here; a CLI remote is hidden from Enclave (the CLI's config is not touched). */
  'servers.remove': request<Record<string, never>>()(z.object({ name: serverName }).strict()),
  /** Tries a server now rather than at its next retry. */
  'servers.retry': request<ServerInfo>()(z.object({ name: serverName }).strict()),
  /** Enclave's own client certificate (PEM, public), for `incus config trust add-certificate`. */
  'servers.clientCertificate': request<{ pem: string; fingerprint: string }>()(z.object({}).strict()),
  'snapshots.list': request<Snapshot[]>()(z.object({ agent: agentName }).strict()),
  'snapshots.create': request<Snapshot>()(
    z.object({ agent: agentName, name: snapshotName.optional(), comment: comment.optional() }).strict(),
  ),
  /** Rename, comment and expiry in one; absent fields stay as they are, null expiry clears it. */
  'snapshots.update': request<Snapshot>()(
    z
      .object({
        agent: agentName,
        name: snapshotName,
        newName: snapshotName.optional(),
        comment: comment.optional(),
        expiresAt: isoTime.nullable().optional(),
      })
      .strict(),
  ),
  'snapshots.delete': request<Record<string, never>>()(z.object({ agent: agentName, name: snapshotName }).strict()),
  /** Takes a safety snapshot of the current state, then restores. */
  'snapshots.restore': request<RestoreResult>()(z.object({ agent: agentName, name: snapshotName }).strict()),
  'snapshots.schedule': request<Agent>()(z.object({ agent: agentName, ...snapshotSchedule.shape }).strict()),
  'settings.get': request<Settings>()(z.object({}).strict()),
  'settings.update': request<Settings>()(
    z
      .object({
        snapshotDefaults: snapshotSchedule.optional(),
        safetyExpiry: expiry.optional(),
        defaultLimits: limits.optional(),
        guardDefaults: guardSettings.optional(),
        defaultNetwork: networkPolicy.optional(),
      })
      .strict(),
  ),
  /** Applies the given limits (others stay); live where Incus allows, notes say what waits for a restart. */
  'agents.setLimits': request<LimitsResult>()(z.object({ agent: agentName, limits: limits.partial() }).strict()),
  /** The kept samples of one agent over the last `seconds` (at most an hour). */
  'telemetry.history': request<TelemetrySample[]>()(
    z.object({ agent: agentName, seconds: z.number().int().min(1).max(3600) }).strict(),
  ),
  /** The agent's guard settings (its own, else the defaults). */
  'guard.get': request<GuardSettings>()(z.object({ agent: agentName }).strict()),
  /** Stored on the agent in Incus (user.enclave.guard.*), so they survive restarts and other clients. */
  'guard.set': request<GuardSettings>()(z.object({ agent: agentName, settings: guardSettings.partial() }).strict()),
  /** Active and recent alerts, of one agent or all. */
  'guard.alerts': request<GuardAlert[]>()(z.object({ agent: agentName.optional() }).strict()),
  'guard.dismiss': request<Record<string, never>>()(z.object({ id: z.string().min(1).max(64) }).strict()),
  /** The agent's activity log, newest last. */
  'activity.list': request<ActivityEntry[]>()(
    z.object({ agent: agentName, limit: z.number().int().min(1).max(1000).optional() }).strict(),
  ),
  /** The agent this window shows in detail (sampled every second), or null for none. */
  'telemetry.focus': request<Record<string, never>>()(z.object({ agent: agentName.nullable() }).strict()),
  /** Cancels a running operation where Incus allows it. */
  'operations.cancel': request<Record<string, never>>()(
    z.object({ id: z.string().regex(/^[0-9a-f-]{36}$/, 'An operation id is a UUID from operations.progress.') }).strict(),
  ),
  'terminals.list': request<TerminalInfo[]>()(z.object({}).strict()),
  /** Opens a session and attaches the caller to it. */
  'terminals.open': request<TerminalInfo>()(
    z.object({ agent: agentName, kind: z.enum(['agent', 'shell']), cols, rows }).strict(),
  ),
  /** Attaches the caller: its recent output (bounded) arrives first, then live output. */
  'terminals.attach': request<TerminalInfo>()(z.object({ id: terminalId }).strict()),
  'terminals.detach': request<Record<string, never>>()(z.object({ id: terminalId }).strict()),
  'terminals.input': request<Record<string, never>>()(z.object({ id: terminalId, data: bytes }).strict()),
  'terminals.resize': request<Record<string, never>>()(z.object({ id: terminalId, cols, rows }).strict()),
  /** Flow control: the caller has consumed (rendered) this many more bytes of output. */
  'terminals.ack': request<Record<string, never>>()(
    z.object({ id: terminalId, bytes: z.number().int().min(0).max(2 ** 31) }).strict(),
  ),
  /** Ends the session: detaches from tmux (the agent keeps running) or hangs up a shell. */
  'terminals.close': request<Record<string, never>>()(z.object({ id: terminalId }).strict()),
} as const;

export const events = {
  'system.status': event<ConnectionStatus>(),
  /** Every server's entry, whenever one of them changes (state, members, added, removed). */
  'servers.changed': event<ServerInfo[]>(),
  'system.setupLog': event<SetupLog>(),
  'agents.changed': event<AgentsChange>(),
  'agents.progress': event<AgentProgress>(),
  'snapshots.changed': event<SnapshotsChange>(),
  'operations.progress': event<OperationProgress>(),
  /** Every agent's newest sample every 2 s; the focused ones' every second. */
  'telemetry.samples': event<TelemetryBatch>(),
  /** Raised, updated (e.g. the action taken) or cleared alerts. */
  'guard.alert': event<GuardAlert>(),
  'activity.added': event<ActivityEntry>(),
  /** An agent's run state changed. */
  'agents.runStatus': event<AgentRunStatus>(),
  /**
   * Electron only, from the main process to the window whose notification was clicked: open
   * that agent's terminal. The backend never emits it.
   */
  'ui.openAgent': event<{ agent: string }>(),
  /** Electron only, from the application menu (or its shortcut) to the focused window. */
  'ui.command': event<{ command: UiCommand }>(),
  'terminals.changed': event<TerminalsChange>(),
  /** The whole image list, after any image or agent was added or removed. */
  'images.changed': event<ImageInfo[]>(),
  'images.build': event<ImageBuild>(),
  'images.buildLog': event<ImageBuildLog>(),
  'images.importProgress': event<ImageImportProgress>(),
  /** Sent only to connections attached to that terminal. */
  'terminals.data': event<TerminalData>(),
} as const;

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type ArgsOf<K extends RequestName> = z.input<Requests[K]['args']>;
export type ResultOf<K extends RequestName> = Requests[K]['result'];
export type EventName = keyof typeof events;
export type EventOf<E extends EventName> = (typeof events)[E]['payload'];

/** What `window.enclave` is, in Electron (from the preload) and in a browser (WebSocket). */
export interface EnclaveApi {
  invoke<K extends RequestName>(method: K, args: ArgsOf<K>): Promise<ResultOf<K>>;
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
}

/** The envelope both transports use for a reply, so errors keep their code across IPC. */
export type Reply<T = unknown> = { ok: true; result: T } | { ok: false; error: ErrorInfo };

/** Largest serialized argument object accepted by either transport. */
export const MAX_ARGS_BYTES = 64 * 1024;

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}

/**
 * What a transport exposes as `window.enclave`: calls answer with the Reply envelope (so an
 * error keeps its code even across Electron's contextBridge, which drops custom error
 * fields). `apiFromBridge` turns it into the typed EnclaveApi the renderer uses.
 */
export interface EnclaveBridge {
  call(method: string, args: unknown): Promise<Reply>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
