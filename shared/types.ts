/** Data shapes that cross the contract. Plain JSON only: they travel over IPC and WebSocket. */
import type { AgentWorkspace, BroughtBack } from './workspace.js';

export type AgentStatus = 'Running' | 'Stopped' | 'Frozen' | 'Error' | 'Starting' | 'Stopping' | 'Freezing' | 'Unknown';

export interface Agent {
  /** Its ref: the bare name on the local server, `server:name` on another (shared/servers.ts). */
  name: string;
  /** The server it lives on (LOCAL_SERVER for the local socket). */
  server: string;
  /** The cluster member it runs on; null when the server is not clustered. */
  location: string | null;
  status: AgentStatus;
  /** Human description of the image it was made from. */
  image: string;
  /** ISO time. */
  createdAt: string;
  /** ISO time of the last start; uptime is derived from it while Running. */
  lastStartedAt: string | null;
  /** True when Enclave created it (it carries user.enclave.* keys). */
  managed: boolean;
  description: string;
  /** The user.enclave.* keys, without the prefix. */
  meta: Record<string, string>;
  /** The agent (and its snapshot; null: the live agent) this one was cloned from. */
  clonedFrom: CloneSource | null;
  snapshotSchedule: SnapshotSchedule;
  /** Its resource limits as Incus holds them ('' = unlimited). */
  limits: AgentLimits;
  /** Its network policy and where its NIC is, as Incus holds them. */
  network: AgentNetwork;
  /**
   * What in its expanded config or devices breaks Enclave's isolation (a host-path disk,
   * privileged mode, nesting, raw.lxc, a NIC outside its policy, …); empty when none.
   */
  isolation: IsolationProblem[];
  /** The project brought into it (user.enclave.workspace.*), or null. */
  workspace: AgentWorkspace | null;
}

/** Where a clone came from: an agent's snapshot, or the live agent (snapshot null). */
export interface CloneSource {
  agent: string;
  snapshot: string | null;
}

/**
 * none: no NIC. restricted: the internet only (private, loopback, link-local, CGNAT and
 * multicast ranges, the metadata address and the host blocked; DHCP/DNS on its bridge
 * allowed). allowlist: only the listed hosts and ports. open: anything but other agents.
 */
export type NetworkMode = 'none' | 'restricted' | 'allowlist' | 'open';

/** One allowed destination: a DNS name (resolved by Enclave, re-resolved while it runs), an IPv4 address or network. */
export interface AllowEntry {
  host: string;
  /** Allowed TCP/UDP ports; empty = any port. */
  ports: number[];
}

export interface NetworkPolicy {
  mode: NetworkMode;
  /** Used in allowlist mode only. */
  allow: AllowEntry[];
  /** Bandwidth into and out of the agent in Incus's notation ("100Mbit"); '' = unlimited. */
  ingress: string;
  egress: string;
}

export interface AgentNetwork {
  policy: NetworkPolicy;
  /** The Enclave bridge its NIC joins; null without a NIC. */
  bridge: string | null;
  /** Its IPv4 address on that bridge (fixed by Enclave, enforced by Incus's IP filtering). */
  address: string | null;
}

export type IsolationProblemKind =
  | 'privileged'
  | 'nesting'
  | 'raw-lxc'
  | 'raw-idmap'
  | 'seccomp'
  | 'idmap-shared'
  | 'guest-api'
  | 'host-disk'
  | 'device'
  | 'nic-outside-policy'
  | 'profile';

/** One item of an agent's config that breaks Enclave's isolation. */
export interface IsolationProblem {
  kind: IsolationProblemKind;
  /** The config key or device name, e.g. "security.nesting" or "hostdisk". */
  item: string;
  /** What Incus holds there, quoted for the user (a device's source path, a key's value); '' when unset. */
  value: string;
  /** What the fix does, e.g. "removes the device". */
  fix: string;
  /** The fix takes effect at the agent's next start only. */
  needsRestart: boolean;
}

/** What a call that changes an agent did, with notes on what waits for a restart. */
export interface AgentChangeResult {
  agent: Agent;
  notes: string[];
}

/**
 * Resource limits in Incus's own notation, '' meaning unlimited: cpu is `limits.cpu` (a count
 * such as "2") or `limits.cpu.allowance` (such as "50%"); memory `limits.memory` ("512MiB",
 * "25%"); processes `limits.processes` ("500"); disk the root disk's `size` ("10GiB").
 */
export interface AgentLimits {
  cpu: string;
  memory: string;
  processes: string;
  disk: string;
}

/** What applying limits did: Incus applies most live; some need a restart to take effect. */
export interface LimitsResult {
  agent: Agent;
  /** Human notes, e.g. that the disk size applies at the next start. */
  notes: string[];
}

/** One agent's resource use at one moment. Rates are per second over the last interval. */
export interface TelemetrySample {
  agent: string;
  /** Milliseconds since the epoch. */
  at: number;
  /** Share of the whole host's CPU time (100 = every core busy). */
  cpuHostPercent: number;
  /** Share of the agent's own allowance (100 = pinned at its limit); null when unlimited. */
  cpuLimitPercent: number | null;
  /**
   * Working set (page cache the kernel reclaims first left out); null when this sample's
   * source does not give it (a remote agent's live 1 s samples come from state calls, whose
   * memory figure counts the cache: memory arrives with the metrics, every 8 s).
   */
  memoryBytes: number | null;
  memoryLimitBytes: number | null;
  /** Null when the source did not give it. */
  processes: number | null;
  processesLimit: number | null;
  /** Root disk use; null where it cannot be read cheaply. */
  diskBytes: number | null;
  diskLimitBytes: number | null;
  netRxBytesPerSec: number;
  netTxBytesPerSec: number;
  /** OOM kills since the agent started; null when this sample's source does not count them (state calls). */
  oomKills: number | null;
}

export interface TelemetryBatch {
  samples: TelemetrySample[];
}

/** Incus's automatic snapshots of an agent: `snapshots.schedule` and `snapshots.expiry`. */
export interface SnapshotSchedule {
  /** '' (off), '@hourly', '@daily', … or a 5-field cron line. */
  schedule: string;
  /** '' (kept until deleted) or an Incus expiry such as "7d" or "1w 2d". */
  expiry: string;
}

/** Manual (the user's), scheduled (Incus's schedule) or safety (taken before a restore). */
export type SnapshotKind = 'manual' | 'scheduled' | 'safety';

export interface Snapshot {
  agent: string;
  name: string;
  kind: SnapshotKind;
  createdAt: string;
  expiresAt: string | null;
  comment: string;
  /** Null where the storage driver does not report it. */
  sizeBytes: number | null;
  /** A safety snapshot's restore: the snapshot it went to (null for other kinds). Kept in Incus, not in the comment. */
  restoredTo: string | null;
}

export interface SnapshotsChange {
  agent: string;
  snapshots: Snapshot[];
}

export interface RestoreResult {
  agent: Agent;
  /** Taken just before the restore: restoring it undoes the rollback. */
  safety: Snapshot;
}

export type GuardRule = 'cpu-pinned' | 'memory-high' | 'processes-high' | 'disk-high' | 'oom-kill' | 'fork-bomb';

/** What the guard watches on one agent; every threshold is against the agent's own limits. */
export interface GuardSettings {
  enabled: boolean;
  /** CPU at ≥ 95% of its allowance for this many seconds. */
  cpuPinnedSeconds: number;
  /** Memory at or above this share of its limit. */
  memoryPercent: number;
  processesPercent: number;
  diskPercent: number;
  /** Process count growing faster than this many per second (a fork bomb). */
  forkRatePerSecond: number;
  /** Freeze the agent as soon as a rule fires. */
  autoFreeze: boolean;
}

/** A rule that fired on an agent. `active` turns false once the condition has cleared. */
export interface GuardAlert {
  id: string;
  agent: string;
  rule: GuardRule;
  /** Names the agent and the reason, e.g. "worker: 48 of 50 processes (96%)". */
  message: string;
  /** Milliseconds since the epoch when it fired. */
  at: number;
  value: number;
  threshold: number;
  active: boolean;
  /** What Enclave did about it, e.g. "frozen automatically". */
  action: string | null;
}

export type ActivityKind = 'lifecycle' | 'guard' | 'limits' | 'network' | 'isolation' | 'snapshot' | 'terminal' | 'workspace';

/**
 * What Enclave does on its own, with no click behind it:
 * - guard-alert: a guard rule fired (the entry is the alert);
 * - guard-freeze: the guard froze the agent (auto-freeze);
 * - safety-snapshot: the snapshot a rollback takes first, so the rollback can be undone;
 * - network-policy: the agent's network policy blocked a connection (the firewall's log);
 * - allowlist-lookup: looking up an allowlist's names again (a name that did not resolve);
 * - full-disk: the disk quota lifted because a full disk kept Incus from starting or deleting it.
 */
export type AutomaticCause = 'guard-alert' | 'guard-freeze' | 'safety-snapshot' | 'network-policy' | 'allowlist-lookup' | 'full-disk';

/** Who did something to an agent, as far as Enclave and Incus can tell. */
export type ActivityActor =
  /** The user, through Enclave (a click, a form). */
  | { kind: 'user' }
  /** Enclave on its own. */
  | { kind: 'automatic'; by: AutomaticCause }
  /** Incus on its own: a scheduled snapshot, an expired one deleted, or anything else with no requestor. */
  | { kind: 'incus'; cause: 'schedule' | 'expiry' | 'daemon' }
  /** Another client of Incus (the incus CLI over the unix socket, a remote over TLS), as its requestor says. */
  | { kind: 'client'; protocol: 'unix' | 'tls' | null; username: string | null; address: string | null };

/** One line of an agent's activity log: what happened, and who did it. */
export interface ActivityEntry {
  id: string;
  agent: string;
  /** Milliseconds since the epoch. */
  at: number;
  kind: ActivityKind;
  message: string;
  actor: ActivityActor;
  /** A workspace entry that brought work back: what exactly (the timeline marks it). */
  broughtBack?: BroughtBack;
}

export interface Settings {
  /** Applied to every new agent. */
  snapshotDefaults: SnapshotSchedule;
  /** Applied to agents without their own guard settings. */
  guardDefaults: GuardSettings;
  /** Applied to every new agent; an empty field leaves that resource unlimited. */
  defaultLimits: AgentLimits;
  /** How long safety snapshots are kept, as an Incus expiry ("7d"). */
  safetyExpiry: string;
  /** Applied to every new agent unless the create call names its own. */
  defaultNetwork: NetworkPolicy;
}

export type OperationAction = 'snapshot' | 'restore' | 'clone';

/** A long Incus operation the user started, while it runs and when it ends. */
export interface OperationProgress {
  id: string;
  agent: string;
  action: OperationAction;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  detail: string;
  mayCancel: boolean;
  error?: string;
}

export interface ImageInfo {
  fingerprint: string;
  aliases: string[];
  description: string;
  architecture: string;
  sizeBytes: number;
  uploadedAt: string;
  /** The version property of an image Enclave built (user.enclave.image-version), else null. */
  version: string | null;
  /** The agents of Enclave's project whose base image this is (volatile.base_image). */
  usedBy: string[];
  /** Instances of other projects on the server that use it. */
  usedElsewhere: number;
}

/** An image build (images.build) while it runs and once it ended; kept until dismissed. */
export interface ImageBuild {
  id: string;
  alias: string;
  version: string;
  base: string;
  installs: string[];
  state: 'starting' | 'running' | 'publishing' | 'done' | 'failed' | 'cancelled';
  /** What it does now, in Enclave's words. */
  stage: string;
  /** The builder instance; kept after a failure until the build is dismissed. */
  builder: string | null;
  startedAt: string;
  endedAt: string | null;
  exitCode: number | null;
  /** Why it failed, in Enclave's words (Incus's reason quoted). */
  error: string | null;
  /** The script line that failed, its text and what it printed (at most 16 KiB, the end). */
  failedLine: { line: number; text: string; output: string } | null;
  /** The published image. */
  fingerprint: string | null;
  /** The log so far (the last 512 KiB), with control characters removed; '' in images.build events (the log comes as images.buildLog). */
  log: string;
}

/** New log text of a build (at most 64 KiB per event; a flood is cut in the middle). */
export interface ImageBuildLog {
  id: string;
  text: string;
}

/** Progress of an image import (images.import). */
export interface ImageImportProgress {
  /** The upload's id, or the path imported. */
  id: string;
  stage: 'uploading' | 'importing' | 'done' | 'failed';
  doneBytes: number;
  totalBytes: number;
  error?: string;
}

/** An image that templates name and Incus lacks, with what a build for it installs. */
export interface MissingImage {
  image: string;
  templates: string[];
  installs: string[];
}

/**
 * missing / permission-denied / not-responding: the local socket (not-responding also a
 * remote refusing or dropping the connection: a wrong port). unreachable: no route or no
 * answer in time; not-incus: something answered that is not an Incus API; untrusted: Incus
 * does not trust Enclave's client certificate; certificate-changed: the server's certificate
 * is not the pinned one (refused, never accepted silently); config: the entry itself is broken
 * (a certificate file that cannot be read).
 */
export type ConnectionProblem =
  | 'missing'
  | 'permission-denied'
  | 'not-responding'
  | 'unreachable'
  | 'not-incus'
  | 'untrusted'
  | 'certificate-changed'
  | 'config'
  | 'error';

export type ConnectionStatus =
  | {
      state: 'connecting';
      socketPath: string;
      tried: string[];
      /** Set when Incus was lost and is being reached again: when it stopped answering (ISO). */
      since?: string;
    }
  | {
      state: 'connected';
      socketPath: string;
      serverVersion: string;
      project: string;
      storageDrivers: string[];
      /** Set when agents would live on a storage pool that copies whole filesystems. */
      warning: string | null;
    }
  | {
      state: 'unavailable';
      socketPath: string;
      tried: string[];
      problem: ConnectionProblem;
      message: string;
      hint: string;
      nextRetryAt: string;
      /** When Incus stopped answering (ISO): the loss, or the first failed try of a cold start. */
      since?: string;
      /** Whether the screen may offer to set up a local Incus here (system.setupIncus). */
      setup: SetupOffer;
    };

/**
 * Enclave can run scripts/setup-incus.sh for the user when it runs as root, the script is
 * there and no local daemon answers. `reason` says why not, when the offer would have helped.
 */
export type SetupOffer = { available: true } | { available: false; reason: string | null };

/** The setup's output, a line at a time (bounded, control characters removed), then its end. */
export type SetupLog = { line: string } | { done: true; exitCode: number | null; error: string | null };

export interface SetupStarted {
  /** A run was already under way: this call joined it rather than starting another. */
  alreadyRunning: boolean;
  /** Its output so far (the last lines, bounded). */
  lines: string[];
}

export type AgentAction = 'start' | 'stop' | 'restart' | 'freeze' | 'unfreeze';

/** workspace: the project is being copied in (detail says how far). */
export type ProgressStage = 'creating' | 'starting' | 'workspace' | 'ready' | 'failed';

export interface AgentProgress {
  name: string;
  stage: ProgressStage;
  /** Incus's own progress text when it gives one (e.g. "rootfs: 45% (12.3MB/s)"). */
  detail: string;
  error?: string;
  /**
   * Text printed inside the agent that `detail` refers to (e.g. its tmux's stderr): bounded,
   * control characters removed, and shown quoted apart, never as Enclave's own words.
   */
  agentOutput?: string;
}

export type AgentsChange =
  | { kind: 'reset'; agents: Agent[] }
  | { kind: 'upsert'; agent: Agent }
  | { kind: 'removed'; name: string };

export type ErrorCode =
  | 'unknown-method'
  /** An IPC message from a frame that is not the Enclave window's own page (Electron). */
  | 'forbidden-sender'
  | 'invalid-arguments'
  | 'too-large'
  | 'not-found'
  | 'conflict'
  | 'busy'
  | 'incus'
  | 'unavailable'
  | 'internal';

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  /** Incus HTTP status when the error came from Incus. */
  status?: number;
}

export type TerminalKind = 'agent' | 'shell';

/** connecting → open → (reconnecting → open)* → exited. */
export type TerminalState = 'connecting' | 'open' | 'reconnecting' | 'exited';

/** A terminal session the backend holds; it outlives any one window or connection. */
export interface TerminalInfo {
  id: string;
  agent: string;
  kind: TerminalKind;
  title: string;
  /** True when it attaches to tmux inside the agent, so the agent survives any disconnect. */
  persistent: boolean;
  /** Shown to the user, e.g. that an image without tmux gives a non-persistent session. */
  notice: string | null;
  state: TerminalState;
  exitCode: number | null;
  /** Why it is reconnecting or how it ended. */
  message: string | null;
  cols: number;
  rows: number;
  createdAt: string;
  /**
   * The latest restore that restarted the agent under this terminal, set when the terminal
   * reattached after it (so a window can keep what it showed before); null or absent if none.
   */
  rolledBack?: TerminalRollback | null;
}

/** A restore of a terminal's agent, as the terminal learns of it. */
export interface TerminalRollback {
  snapshot: string;
  /** When the restore began (ISO time). */
  at: string;
}

export type TerminalsChange = { kind: 'upsert'; terminal: TerminalInfo } | { kind: 'removed'; id: string };

/** Output of one terminal: sent only to the connections attached to it. */
export interface TerminalData {
  id: string;
  data: Uint8Array;
}
