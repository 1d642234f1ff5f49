/**
 * Integration-test support: a throwaway Incus project per test file, emptied and deleted
 * afterwards even when the tests fail, plus small helpers to drive the incus CLI and wait.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { IncusClient } from '../incus/client.js';
import { IncusError } from '../incus/errors.js';
import { changeState, deleteInstance, listInstances } from '../incus/instances.js';
import { deleteProject, ensureProject } from '../incus/projects.js';

/** The daemon the integration tests use (override with INCUS_SOCKET). */
export const INCUS_SOCKET = process.env.INCUS_SOCKET || '/var/lib/incus/unix.socket';
/** The agent image scripts/setup-incus.sh imports. */
export const AGENT_IMAGE = process.env.ENCLAVE_IMAGE_ALIAS || 'enclave-agent';
export const PROJECT_PREFIX = 'enclave-it-';

export function randomProjectName(): string {
  return `${PROJECT_PREFIX}${randomBytes(4).toString('hex')}`;
}

/** Stops and deletes every instance of the project, its own profiles, then the project. */
export async function destroyProject(client: IncusClient, project: string): Promise<void> {
  const scoped = client.withProject(project);
  const instances = await listInstances(scoped);
  const failures: unknown[] = [];
  await Promise.all(
    instances.map(async (inst) => {
      try {
        if (inst.status === 'Frozen') await changeState(scoped, inst.name, 'unfreeze');
        if (inst.status !== 'Stopped') await changeState(scoped, inst.name, 'stop', { force: true }).catch(() => undefined);
        await deleteInstance(scoped, inst.name);
      } catch (err) {
        failures.push(err);
      }
    }),
  );
  try {
    await deleteProject(client, project);
  } catch (err) {
    if (err instanceof IncusError && err.status === 404 && !failures.length) return;
    throw new AggregateError([...failures, err], `could not delete test project ${project}`, { cause: err });
  }
}

export interface TestProject {
  /** The project's name. */
  name: string;
  /** A client on the real socket, scoped to the project; set once beforeAll ran. */
  client: IncusClient;
  /**
   * Registers a teardown step (stop a backend, close a server…) to run before the project is
   * destroyed, last registered first. Each step is time-bounded and a failing one does not
   * keep the others, or the project's removal, from running.
   */
  defer(step: () => unknown): void;
}

const STEP_TIMEOUT_MS = 15_000;
/**
 * Emptying the project stops and deletes every instance with all its snapshots (the snapshot
 * tests leave dozens, on a pool whose writes are capped): seen taking over 15 s in CI.
 */
const DESTROY_TIMEOUT_MS = 60_000;

function bounded(step: () => unknown, what: string, ms = STEP_TIMEOUT_MS): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve().then(step), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Registers the hooks of a test file that runs in a fresh project: beforeAll creates it;
 * one afterAll runs the deferred teardown steps, then stops and deletes every instance and
 * the project, whatever happened in the tests or in those steps. Call it first in the file
 * (or describe) and register teardown with `defer` rather than another afterAll, which
 * would stop the cleanup if it threw.
 */
export function useTestProject(): TestProject {
  const steps: (() => unknown)[] = [];
  const ctx: TestProject = {
    name: randomProjectName(),
    client: undefined as unknown as IncusClient,
    defer: (step) => void steps.push(step),
  };
  let root: IncusClient | null = null;
  beforeAll(async () => {
    root = new IncusClient({ socketPath: INCUS_SOCKET, project: 'default' });
    ctx.client = root.withProject(ctx.name);
    await ensureProject(root, ctx.name, 'Enclave integration test (safe to delete)');
  });
  afterAll(async () => {
    const errors: unknown[] = [];
    for (const step of steps.splice(0).reverse()) {
      await bounded(step, 'a teardown step').catch((err: unknown) => errors.push(err));
    }
    if (root) {
      const client = root;
      await bounded(() => destroyProject(client, ctx.name), `destroying ${ctx.name}`, DESTROY_TIMEOUT_MS).catch((err: unknown) => errors.push(err));
      await client.close().catch(() => undefined);
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length) throw new AggregateError(errors, 'teardown failed');
  });
  return ctx;
}

/**
 * Runs the incus CLI; resolves with its stdout. Its stdin is closed at once: `incus create`
 * and `launch` read a YAML config from a stdin that is not a terminal, and would wait forever.
 */
export function incus(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('incus', args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`incus ${args.join(' ')}: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    child.stdin?.end();
  });
}

/** Resolves once `check` returns a value other than undefined/false; polls every 20 ms. */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A short random suffix for instance names. */
export function suffix(): string {
  return randomBytes(3).toString('hex');
}
