/**
 * What spans two servers: copying an agent (a relay of Incus's migration streams through
 * Enclave) and copying an image. Each side's services do their own part afterwards on their
 * own stack: the target gives the copy a NIC on its own bridges and starts it.
 */
import { EnclaveError } from '../../../shared/errors.js';
import type { Agent, ImageInfo } from '../../../shared/types.js';
import { USER } from '../activity/activity-log.js';
import { copyImage } from '../images/copy-image.js';
import { policyOf } from '../network/policy-model.js';
import { copyAgentTo } from './copy-agent.js';
import type { ServerRegistry } from './registry.js';

export class CrossServer {
  constructor(private readonly registry: ServerRegistry) {}

  /** Copies `ref` to `server` as `name` (default: its own name); a running source stays running, and so does its copy. */
  async copyAgent(args: { agent: string; server: string; name?: string | undefined }): Promise<Agent> {
    const src = this.registry.resolve(args.agent);
    const dst = this.registry.stack(args.server);
    if (src.entry === dst.entry) {
      throw new EnclaveError('invalid-arguments', `${args.agent} is on ${args.server} already: clone it to have a second one there.`);
    }
    const newName = args.name ?? src.name;
    const target = dst.entry.q.ref(newName);
    if (await dst.stack.agents.exists(newName)) throw new EnclaveError('conflict', `${target} already exists. Choose another name.`);
    const from = src.stack.connection.requireClient();
    const to = dst.stack.connection.requireClient();
    const source = await src.stack.agents.get(src.name);
    const progress = (detail: string) => dst.stack.events.emit('agents.progress', { name: newName, stage: 'creating', detail });
    const copy = await src.stack.locks.run(src.name, 'being copied', () =>
      copyAgentTo(from, to, src.name, newName, (p) => progress(p.detail), {
        fromLabel: src.entry.name,
        toLabel: dst.entry.name,
        extraConfig: { 'user.enclave.copied-from': args.agent },
      }),
    );
    const left = copy.leftOut.map((d) => `${d.device} (${d.what})`);
    const note = [left.length ? `left out: ${left.join(', ')}` : '', ...copy.notes].filter(Boolean).join('; ');
    src.stack.activity.record(src.name, 'lifecycle', `copied to ${target}${note ? ` (${note})` : ''}`, USER);
    dst.stack.activity.record(newName, 'lifecycle', `copied from ${args.agent}${note ? ` (${note})` : ''}`, USER);
    // Its NIC was left behind: the target's own bridges give it one under the same policy.
    await dst.stack.network.set({ agent: newName, policy: policyOf(copy.instance) });
    if (source.status === 'Running') {
      progress('Starting the copy');
      await dst.stack.agents.action({ name: newName, action: 'start' }, USER);
    }
    dst.stack.events.emit('agents.progress', { name: newName, stage: 'ready', detail: '' });
    return dst.entry.q.agent(await dst.stack.agents.reload(newName));
  }

  /** The image on `to` as on `from` (fingerprint, free aliases, version); already there: as it is. */
  async copyImage(args: { fingerprint: string; from: string; to: string }): Promise<ImageInfo> {
    const src = this.registry.stack(args.from);
    const dst = this.registry.stack(args.to);
    if (src.entry === dst.entry) throw new EnclaveError('invalid-arguments', `The image is on ${args.to} already.`);
    const done = await copyImage(src.stack.connection.requireClient(), dst.stack.connection.requireClient(), args.fingerprint, undefined, {
      fromLabel: args.from,
      toLabel: args.to,
    });
    const listed = (await dst.stack.images.list()).find((i) => i.fingerprint === done.image.fingerprint);
    if (!listed) throw new EnclaveError('internal', `The image arrived on ${args.to} but is not in its list.`);
    return dst.entry.q.image(listed);
  }
}
