/**
 * Unit tests of main.ts only: a Backend that talks to no Incus. It answers a few requests,
 * emits what the test emits, and keeps its config folder (window state, opened hosts) in a
 * temporary folder of its own. Mocked in as './core/backend.js'.
 */
import { mkdtempSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName, EventOf } from '../../shared/api.js';
import type { Handlers } from '../../shared/handlers.js';
import type { Agent, ConnectionStatus } from '../../shared/types.js';

type Pushed = { [E in EventName]: [EventOf<E>] };

export const STUB_STATUS: ConnectionStatus = { state: 'connected', socketPath: '/run/stub.socket', serverVersion: '6.0.4', project: 'stub', storageDrivers: ['btrfs'], warning: null };

export class Backend {
  /** Every stub made, newest last (main.ts makes one per load). */
  static readonly made: Backend[] = [];
  readonly events = new EventEmitter<Pushed>();
  readonly settings: { path: string };
  readonly handlers: Handlers;
  /** What cachedAgents answers. */
  agents: Agent[] = [];
  starts = 0;
  stops = 0;
  /** Calls the handlers answered, with the caller's link id. */
  readonly calls: { method: string; args: unknown; client: string | null }[] = [];

  /** The config folder the next stub uses (a test seeding files there); else a new temporary one. */
  static nextConfigDir: string | null = null;
  /** Makes the next construction throw (a start that fails). */
  static failNext: Error | null = null;

  constructor(readonly options: Record<string, unknown> = {}) {
    const fail = Backend.failNext;
    Backend.failNext = null;
    if (fail) throw fail;
    const dir = Backend.nextConfigDir ?? mkdtempSync(join(tmpdir(), 'enclave-main-unit-'));
    Backend.nextConfigDir = null;
    this.settings = { path: join(dir, 'settings.json') };
    this.events.setMaxListeners(0);
    const record = (method: string) => (args: unknown, ctx: { client: { id: string } | null }) => {
      this.calls.push({ method, args, client: ctx.client?.id ?? null });
    };
    const partial: Partial<Handlers> = {
      'system.status': async (args, ctx) => (record('system.status')(args, ctx), STUB_STATUS),
      'agents.list': async (args, ctx) => (record('agents.list')(args, ctx), this.agents),
    };
    this.handlers = partial as Handlers;
    Backend.made.push(this);
  }

  get configDir(): string {
    return join(this.settings.path, '..');
  }

  start(): void {
    this.starts++;
  }

  async stop(): Promise<void> {
    this.stops++;
  }

  cachedAgents(): Agent[] {
    return this.agents;
  }

  cachedAgent(ref: string): Agent | undefined {
    return this.agents.find((a) => a.name === ref);
  }
}
