/**
 * The desktop app's whole path without an Electron binary: main.ts as it is, in a fake
 * `electron`, with the real Backend on the real daemon (a throwaway project), and the preload
 * as the renderer's window.enclave. A request goes over the IPC transport to Incus and its
 * pushed event comes back through the preload's one listener.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EnclaveBridge, Reply } from '../shared/api.js';
import type { AgentsChange, ConnectionStatus } from '../shared/types.js';
import { createFakeElectron, type FakeElectron, type FakeWebContents } from './test-support/fake-electron.js';
import { loadMain, loadPreload, readyMain } from './test-support/electron-harness.js';
import { AGENT_IMAGE, INCUS_SOCKET, suffix, useTestProject } from './test-support/project.js';

const ENV_KEYS = ['ENCLAVE_PROJECT', 'ENCLAVE_CONFIG_DIR', 'INCUS_CONF', 'INCUS_SOCKET'] as const;

describe('main.ts over IPC against the real backend', () => {
  const project = useTestProject();
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  let electron: FakeElectron;
  let contents: FakeWebContents;
  let bridge: EnclaveBridge;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'enclave-main-it-'));
    // Nothing of the user's: Enclave's config and the incus CLI's remotes come from a tmp folder.
    process.env.ENCLAVE_PROJECT = project.name;
    process.env.ENCLAVE_CONFIG_DIR = join(dir, 'config');
    process.env.INCUS_CONF = join(dir, 'incus');
    process.env.INCUS_SOCKET = INCUS_SOCKET;
    electron = createFakeElectron();
    await loadMain(electron);
    contents = await readyMain(electron, 30_000);
    bridge = await loadPreload(electron, contents);
  }, 60_000);

  afterAll(async () => {
    // The app's clean quit stops the backend (agents keep running: the project's teardown removes them).
    if (electron) {
      electron.app.quit();
      await vi.waitFor(() => expect(electron.app.exitCode).not.toBeNull(), { timeout: 15_000 });
    }
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it('answers system.status from the real daemon, in the test project', async () => {
    const reply = (await vi.waitFor(
      async () => {
        const r = (await bridge.call('system.status', {})) as Reply<ConnectionStatus>;
        if (!r.ok || r.result.state !== 'connected') throw new Error(`not connected yet: ${JSON.stringify(r)}`);
        return r;
      },
      { timeout: 30_000, interval: 200 },
    )) as Reply<ConnectionStatus>;
    expect(reply.ok && reply.result.state === 'connected' && reply.result.project).toBe(project.name);
  }, 40_000);

  it('creates an agent over IPC and pushes its agents.changed through the preload', async () => {
    const name = `ipc-${suffix()}`;
    const seen: AgentsChange[] = [];
    const off = bridge.on('agents.changed', (change) => seen.push(change as AgentsChange));
    try {
      const reply = await bridge.call('agents.create', { name, image: AGENT_IMAGE });
      expect(reply).toMatchObject({ ok: true, result: { name } });
      await vi.waitFor(() => expect(seen.some((c) => c.kind === 'upsert' && c.agent.name === name)).toBe(true), { timeout: 30_000 });
      // And Incus has it, in the test project.
      const instance = await project.client.get<{ name: string }>(`/1.0/instances/${name}`);
      expect(instance).toMatchObject({ name });
    } finally {
      off();
    }
  }, 120_000);

  it('refuses bad arguments at the contract and a foreign frame before any method', async () => {
    expect(await bridge.call('agents.delete', { name: '../etc' })).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    const foreign = await loadPreload(electron, contents.addSubframe('https://127.0.0.1:9/frame.html'));
    expect(await foreign.call('system.status', {})).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  }, 30_000);
});
