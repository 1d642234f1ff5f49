/**
 * Builds an agent image in the app: a builder instance from a base image, on a network policy
 * of its own, runs a provision script with its log streamed live, is published under an alias
 * with a version property, and is deleted. A failed build keeps its log, the failing line's
 * output and the builder (for a look inside) until dismissed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { EnclaveError } from '../../../shared/errors.js';
import { IMAGE_PROPS } from '../../../shared/images.js';
import type { ImageBuild, ImageBuildLog, NetworkPolicy } from '../../../shared/types.js';
import type { IncusClient } from '../../incus/client.js';
import { IncusError } from '../../incus/errors.js';
import { execCommand } from '../../incus/exec.js';
import { execStreaming } from '../../incus/exec-stream.js';
import { HOST_CA_DIR, IMAGE_CA_BUNDLE, hostCaBundle, installCaBundle } from './host-cas.js';
import { getAlias, getImage, publishInstance, setAlias } from '../../incus/images.js';
import { changeState, createInstance, deleteInstance, getInstance, listInstances } from '../../incus/instances.js';
import { META_PREFIX } from '../agent-model.js';
import type { Connection } from '../connection.js';
import { ENCLAVE_PROFILE } from '../isolation/profile-spec.js';
import { LineTracker, MarkerParser, TextTail } from './build-log.js';

/** Marks an instance as an image builder (the grid may leave these out). */
export const BUILDER_ROLE_KEY = `${META_PREFIX}role`;
export const BUILDER_ROLE = 'image-builder';
export const SCRIPT_PATH = '/root/.enclave-provision.sh';

export const BUILD_TIMEOUT_MS = 60 * 60_000;
export const BUILD_MAX_OUTPUT = 256 * 1024 * 1024;
const LOG_KEEP = 512 * 1024;
const EVENT_TEXT_MAX = 64 * 1024;
const FLUSH_MS = 100;
const MAX_BUILDS_KEPT = 20;

/** What the builder needs of the network service: a NIC for a policy, a start that re-addresses. */
export interface BuilderNetwork {
  withSpec<T>(name: string, policy: NetworkPolicy, create: (spec: { config: Record<string, string>; devices: Record<string, Record<string, string>> }) => Promise<T>): Promise<T>;
  startReaddressing<T>(client: IncusClient, name: string, start: () => Promise<T>): Promise<T>;
}

export interface BuildRequest {
  alias: string;
  version: string;
  base: string;
  installs: string[];
  script: string;
  network: NetworkPolicy;
}

interface Events {
  build: [ImageBuild];
  log: [ImageBuildLog];
  published: [string];
}

/**
 * The wrapper run with bash in the builder: stderr joins stdout (one ordered stream), and a
 * DEBUG trap (inherited by functions and substitutions: set -T) prints a marker with the
 * script's line before each of its commands, on fd 9 so that no $(…) captures it.
 */
export function wrapperScript(nonce: string): string {
  const trap = `if [[ "\${BASH_SOURCE[0]-}" == ${SCRIPT_PATH} ]]; then printf '\\036${nonce}:%s\\n' "$LINENO" >&9; fi`;
  return `exec 9>&1 2>&1; set -T; trap '${trap.replace(/'/g, `'\\''`)}' DEBUG; cd /root; source ${SCRIPT_PATH}`;
}

/** The builder's instance name: `build-` and the alias made a valid name, and a random tail. */
export function builderName(alias: string): string {
  const stem = alias.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'image';
  return `build-${stem}-${randomBytes(3).toString('hex')}`;
}

interface Running {
  build: ImageBuild;
  log: TextTail;
  abort: AbortController;
  pendingText: string;
  flushTimer: NodeJS.Timeout | null;
}

export class ImageBuilder extends EventEmitter<Events> {
  private readonly builds = new Map<string, Running>();
  /** How long a script may run and how much it may print before it is stopped. */
  limits = { timeoutMs: BUILD_TIMEOUT_MS, maxOutputBytes: BUILD_MAX_OUTPUT };
  /** Where this computer's extra CA certificates are (tests point it elsewhere). */
  caDir = HOST_CA_DIR;

  constructor(
    private readonly connection: Connection,
    private readonly network: BuilderNetwork,
  ) {
    super();
  }

  list(): ImageBuild[] {
    return [...this.builds.values()].map((r) => this.snapshot(r));
  }

  private snapshot(r: Running): ImageBuild {
    return { ...r.build, log: r.log.value };
  }

  /** Starts a build and answers at once; its states come as `build` events, its log as `log`. */
  async start(req: BuildRequest): Promise<ImageBuild> {
    const client = this.connection.requireClient();
    for (const r of this.builds.values()) {
      if (r.build.alias === req.alias && !isEnded(r.build)) throw new EnclaveError('busy', `An image ${req.alias} is being built already; wait for it or cancel it.`);
    }
    const base = await resolveImage(client, req.base);
    if (!base) throw new EnclaveError('not-found', `There is no image ${req.base} to build from.`);
    const ended = [...this.builds.values()].filter((r) => isEnded(r.build) && !r.build.builder);
    while (this.builds.size >= MAX_BUILDS_KEPT && ended.length) this.builds.delete((ended.shift() as Running).build.id);
    const build: ImageBuild = {
      id: randomUUID(),
      alias: req.alias,
      version: req.version,
      base: req.base,
      installs: req.installs,
      state: 'starting',
      stage: 'Creating the builder',
      builder: builderName(req.alias),
      startedAt: new Date().toISOString(),
      endedAt: null,
      exitCode: null,
      error: null,
      failedLine: null,
      fingerprint: null,
      log: '',
    };
    const r: Running = { build, log: new TextTail(LOG_KEEP), abort: new AbortController(), pendingText: '', flushTimer: null };
    this.builds.set(build.id, r);
    const first = this.snapshot(r);
    this.emit('build', first);
    // The reply carries no log: every line reaches the windows once, as images.buildLog.
    void this.run(r, req, base).catch(() => undefined);
    return first;
  }

  private update(r: Running, change: Partial<ImageBuild>): void {
    Object.assign(r.build, change);
    this.flush(r);
    this.emit('build', this.snapshot(r));
  }

  /** Enclave's own lines in the log, marked so they are not taken for the script's. */
  private note(r: Running, text: string): void {
    this.append(r, `[enclave] ${text}\n`);
  }

  private append(r: Running, text: string): void {
    if (!text) return;
    r.log.push(text);
    r.pendingText += text;
    if (r.pendingText.length > EVENT_TEXT_MAX * 4) r.pendingText = r.pendingText.slice(-EVENT_TEXT_MAX * 2);
    r.flushTimer ??= setTimeout(() => this.flush(r), FLUSH_MS);
  }

  private flush(r: Running): void {
    if (r.flushTimer) clearTimeout(r.flushTimer);
    r.flushTimer = null;
    let text = r.pendingText;
    r.pendingText = '';
    if (!text) return;
    if (text.length > EVENT_TEXT_MAX) {
      const half = EVENT_TEXT_MAX / 2;
      text = `${text.slice(0, half)}\n[… ${text.length - EVENT_TEXT_MAX} characters not shown live; the kept log has the end …]\n${text.slice(-half)}`;
    }
    this.emit('log', { id: r.build.id, text });
  }

  private async run(r: Running, req: BuildRequest, baseFingerprint: string): Promise<void> {
    const client = this.connection.requireClient();
    const name = r.build.builder as string;
    const signal = r.abort.signal;
    const scriptLines = req.script.split('\n');
    try {
      this.note(r, `Creating the builder ${name} from ${req.base} (network: ${describePolicy(req.network)}).`);
      await this.network.withSpec(name, req.network, (spec) =>
        createInstance(client, {
          name,
          description: `Enclave image builder for ${req.alias} ${req.version}`,
          source: { type: 'image', fingerprint: baseFingerprint },
          config: {
            [BUILDER_ROLE_KEY]: BUILDER_ROLE,
            [`${META_PREFIX}build.alias`]: req.alias,
            [`${META_PREFIX}build.version`]: req.version,
            [`${META_PREFIX}created-by`]: 'enclave',
            [`${META_PREFIX}image`]: req.base,
            [`${META_PREFIX}created-at`]: new Date().toISOString(),
            ...spec.config,
          },
          devices: spec.devices,
          profiles: [ENCLAVE_PROFILE],
        }),
      );
      signal.throwIfAborted();
      this.update(r, { stage: 'Starting the builder' });
      await this.network.startReaddressing(client, name, () => changeState(client, name, 'start'));
      signal.throwIfAborted();

      const cas = await hostCaBundle(this.caDir);
      if (cas.count > 0) {
        await installCaBundle(client, name, cas.bundle);
        this.note(r, `Trusting this computer's ${cas.count} extra CA certificate${cas.count === 1 ? '' : 's'} (${HOST_CA_DIR}), as a TLS-inspecting proxy needs; the image keeps them.`);
      }
      const pushed = await execCommand(client, name, ['sh', '-c', `cat > ${SCRIPT_PATH}`], { stdin: Buffer.from(req.script), timeoutMs: 30_000 });
      if (pushed.exitCode !== 0) throw new EnclaveError('incus', `The script could not be written into the builder (exit ${pushed.exitCode}).`);
      this.update(r, { state: 'running', stage: 'Running the provision script' });
      this.note(r, 'Running the provision script.');

      const nonce = randomBytes(12).toString('hex');
      const parser = new MarkerParser(nonce, scriptLines.length);
      const lines = new LineTracker();
      const take = (chunk: ReturnType<MarkerParser['push']>) => {
        lines.add(chunk);
        this.append(r, chunk.text);
      };
      let code: number;
      try {
        code = await execStreaming(client, name, ['bash', '--noprofile', '--norc', '-c', wrapperScript(nonce)], {
          environment: {
            HOME: '/root',
            PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
            LANG: 'C.UTF-8',
            ...(cas.count > 0 ? { NODE_EXTRA_CA_CERTS: IMAGE_CA_BUNDLE } : {}),
          },
          timeoutMs: this.limits.timeoutMs,
          maxOutputBytes: this.limits.maxOutputBytes,
          signal,
          onOutput: (_fd, data) => take(parser.push(data)),
        });
      } finally {
        take(parser.end());
      }
      if (code !== 0) {
        const line = lines.line;
        const failedLine = line > 0 ? { line, text: (scriptLines[line - 1] ?? '').slice(0, 500), output: lines.output } : null;
        this.note(r, failedLine ? `The script failed at line ${line} (exit code ${code}).` : `The script failed (exit code ${code}).`);
        this.update(r, {
          state: 'failed',
          stage: 'Failed',
          exitCode: code,
          failedLine,
          error: failedLine
            ? `The provision script failed at line ${line} with exit code ${code}. The builder ${name} is kept until you dismiss this build.`
            : `The provision script failed with exit code ${code}${code === 127 ? ' (is bash in the base image?)' : ''}. The builder ${name} is kept until you dismiss this build.`,
          endedAt: new Date().toISOString(),
        });
        return;
      }
      this.update(r, { exitCode: 0, state: 'publishing', stage: 'Stopping the builder' });
      this.note(r, 'The script succeeded. Stopping the builder to publish it.');
      await execCommand(client, name, ['rm', '-f', SCRIPT_PATH], { timeoutMs: 15_000 }).catch(() => undefined);
      await changeState(client, name, 'stop', { timeout: 30 }).catch(() => changeState(client, name, 'stop', { force: true }));
      signal.throwIfAborted();
      this.update(r, { stage: `Publishing ${req.alias} ${req.version}` });
      const fingerprint = await publishInstance(client, name, {
        description: `Enclave agent image ${req.alias} ${req.version}${req.installs.length ? ` (${req.installs.join(', ')})` : ''}`,
        [IMAGE_PROPS.version]: req.version,
        [IMAGE_PROPS.installs]: req.installs.join(','),
        [IMAGE_PROPS.base]: req.base,
      });
      const before = await getAlias(client, req.alias);
      await setAlias(client, req.alias, fingerprint, `Enclave agent image ${req.alias}`);
      this.note(r, `Published ${fingerprint.slice(0, 12)} as ${req.alias}${before && before.target !== fingerprint ? ` (the alias named ${before.target.slice(0, 12)} before; that image stays until you delete it)` : ''}.`);
      this.emit('published', fingerprint);
      this.update(r, { stage: 'Deleting the builder', fingerprint });
      await deleteInstance(client, name);
      this.note(r, 'Deleted the builder.');
      this.update(r, { state: 'done', stage: 'Done', builder: null, endedAt: new Date().toISOString() });
    } catch (err) {
      const cancelled = signal.aborted;
      const reason = err instanceof Error ? err.message : String(err);
      const exists = await instanceExists(client, name);
      this.note(r, cancelled ? 'Cancelled.' : `Failed: ${reason}`);
      this.update(r, {
        state: cancelled ? 'cancelled' : 'failed',
        stage: cancelled ? 'Cancelled' : 'Failed',
        error: cancelled
          ? `The build was cancelled.${exists ? ` The builder ${name} is kept until you dismiss this build.` : ''}`
          : `The build failed: ${reason}${exists ? ` The builder ${name} is kept until you dismiss this build.` : ''}`,
        builder: exists ? name : null,
        endedAt: new Date().toISOString(),
      });
    }
  }

  /**
   * Builders that no build here knows (the backend restarted while one ran, or after it
   * failed): listed as failed builds without a log, so that they can be dismissed.
   */
  async adoptOrphans(client: IncusClient): Promise<void> {
    const known = new Set([...this.builds.values()].map((r) => r.build.builder));
    for (const inst of await listInstances(client)) {
      if (inst.config[BUILDER_ROLE_KEY] !== BUILDER_ROLE || known.has(inst.name)) continue;
      const build: ImageBuild = {
        id: randomUUID(),
        alias: inst.config[`${META_PREFIX}build.alias`] ?? '(unknown)',
        version: inst.config[`${META_PREFIX}build.version`] ?? '',
        base: inst.config[`${META_PREFIX}image`] ?? '',
        installs: [],
        state: 'failed',
        stage: 'Interrupted',
        builder: inst.name,
        startedAt: inst.config[`${META_PREFIX}created-at`] ?? inst.created_at,
        endedAt: null,
        exitCode: null,
        error: `Enclave restarted while this build ran or after it ended; its log is gone. The builder ${inst.name} is kept until you dismiss this build.`,
        failedLine: null,
        fingerprint: null,
        log: '',
      };
      this.builds.set(build.id, { build, log: new TextTail(LOG_KEEP), abort: new AbortController(), pendingText: '', flushTimer: null });
      this.emit('build', build);
    }
  }

  /** Stops a running build; the builder stays until dismissed. */
  cancel(id: string): ImageBuild {
    const r = this.find(id);
    if (isEnded(r.build)) throw new EnclaveError('conflict', 'This build has ended already.');
    r.abort.abort(new Error('The build was cancelled.'));
    return this.snapshot(r);
  }

  /** Forgets an ended build and deletes its kept builder. */
  async dismiss(id: string): Promise<void> {
    const r = this.find(id);
    if (!isEnded(r.build)) throw new EnclaveError('busy', 'This build is still running; cancel it first.');
    const name = r.build.builder;
    if (name) {
      const client = this.connection.requireClient();
      const inst = await getInstance(client, name).catch((err: unknown) => {
        if (err instanceof IncusError && err.status === 404) return null;
        throw err;
      });
      if (inst && inst.config[BUILDER_ROLE_KEY] !== BUILDER_ROLE) throw new EnclaveError('conflict', `${name} is no longer an image builder; Enclave leaves it alone.`);
      if (inst) {
        if (inst.status === 'Frozen') await changeState(client, name, 'unfreeze');
        if (inst.status !== 'Stopped') await changeState(client, name, 'stop', { force: true });
        await deleteInstance(client, name);
      }
    }
    this.builds.delete(id);
  }

  private find(id: string): Running {
    const r = this.builds.get(id);
    if (!r) throw new EnclaveError('not-found', 'No such build: it was dismissed, or the backend restarted since.');
    return r;
  }

  stop(): void {
    for (const r of this.builds.values()) {
      if (!isEnded(r.build)) r.abort.abort(new Error('Enclave is shutting down.'));
      if (r.flushTimer) clearTimeout(r.flushTimer);
    }
  }
}

function isEnded(b: ImageBuild): boolean {
  return b.state === 'done' || b.state === 'failed' || b.state === 'cancelled';
}

async function instanceExists(client: IncusClient, name: string): Promise<boolean> {
  try {
    await getInstance(client, name);
    return true;
  } catch {
    return false;
  }
}

/** The fingerprint an alias or fingerprint names, or null. */
export async function resolveImage(client: IncusClient, ref: string): Promise<string | null> {
  const alias = await getAlias(client, ref);
  if (alias) return alias.target;
  if (!/^[0-9a-f]{12,64}$/.test(ref)) return null;
  try {
    return (await getImage(client, ref)).fingerprint;
  } catch (err) {
    if (err instanceof IncusError && err.status === 404) return null;
    throw err;
  }
}

function describePolicy(p: NetworkPolicy): string {
  if (p.mode !== 'allowlist') return p.mode;
  return `allowlist ${p.allow.map((a) => a.host).join(', ')}`;
}
