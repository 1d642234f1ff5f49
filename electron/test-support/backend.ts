/**
 * Integration-test support: a Backend on the test's project with a settings file of its own
 * (in a temporary folder, never the user's), stopped and cleaned up by the project's teardown.
 */
import { mkdtempSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend } from '../core/backend.js';
import type { NetworkServiceOptions } from '../core/network/service.js';
import { INCUS_SOCKET, type TestProject } from './project.js';

export async function testBackend(
  project: TestProject,
  label: string,
  opts: { socketPath?: string; retryMs?: number; remoteNetwork?: NetworkServiceOptions } = {},
): Promise<{ backend: Backend; configDir: string }> {
  const configDir = await mkdtemp(join(tmpdir(), `enclave-${label}-it-`));
  project.defer(() => rm(configDir, { recursive: true, force: true }));
  const backend = new Backend({
    project: project.name,
    socketPath: opts.socketPath ?? INCUS_SOCKET,
    retryMs: opts.retryMs ?? 300,
    settingsPath: join(configDir, 'settings.json'),
    ...(opts.remoteNetwork ? { remoteNetwork: opts.remoteNetwork } : {}),
  });
  project.defer(() => backend.stop());
  return { backend, configDir };
}

/** A settings file of the test's own, for a Backend built by hand; removed at teardown. */
export function isolatedSettingsPath(project: TestProject, label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `enclave-${label}-it-`));
  project.defer(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'settings.json');
}
