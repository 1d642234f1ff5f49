/**
 * One round of the soak (create → exec → snapshot → restore → delete through the Backend) and
 * what it must leave unchanged: the process's open file descriptors, the listeners on every
 * emitter the Backend holds, and its memory. Shared by soak.itest.ts and bench/soak.ts.
 */
import { EventEmitter } from 'node:events';
import { readdirSync } from 'node:fs';
import type { Reply } from '../../shared/api.js';
import type { Agent, Snapshot } from '../../shared/types.js';
import type { Backend } from '../core/backend.js';
import { execCommand } from '../incus/exec.js';
import { TestLink, ok } from '../test-support/terminal-link.js';

export interface Gauges {
  fds: number;
  /** Listeners per emitter field of the Backend (e.g. `events`, `agents`, `connection`). */
  listeners: Record<string, number>;
  rss: number;
}

function listenerCount(emitter: EventEmitter): number {
  return emitter.eventNames().reduce((n, e) => n + emitter.listenerCount(e), 0);
}

export function gauges(backend: Backend): Gauges {
  const listeners: Record<string, number> = {};
  for (const [field, value] of Object.entries(backend)) {
    if (value instanceof EventEmitter) listeners[field] = listenerCount(value);
  }
  return { fds: readdirSync('/proc/self/fd').length, listeners, rss: process.memoryUsage().rss };
}

const sh = (script: string) => ['sh', '-c', script];

export async function soakRound(backend: Backend, image: string, round: number): Promise<void> {
  const link = new TestLink(backend.handlers);
  const call = (method: string, args: unknown = {}): Promise<Reply> => link.call(method, args);
  const name = `soak-${round}`;
  ok<Agent>(await call('agents.create', { name, image }));
  const client = backend.local.connection.requireClient();
  const wrote = await execCommand(client, name, sh(`echo round-${round} > /root/mark`), { timeoutMs: 30_000 });
  if (wrote.exitCode !== 0) throw new Error(`exec in ${name} exited ${wrote.exitCode}`);
  const snap = ok<Snapshot>(await call('snapshots.create', { agent: name }));
  await execCommand(client, name, sh('echo changed > /root/mark'), { timeoutMs: 30_000 });
  ok(await call('snapshots.restore', { agent: name, name: snap.name }));
  const read = await execCommand(client, name, ['cat', '/root/mark'], { timeoutMs: 30_000 });
  if (read.stdout.toString() !== `round-${round}\n`) throw new Error(`after the restore ${name} holds ${JSON.stringify(read.stdout.toString())}`);
  ok(await call('agents.delete', { name }));
}
