/**
 * Integration-test support: a Backend on the test's project with a settings file of its own
 * (in a temporary folder), stopped and cleaned up by the project's teardown.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend } from '../core/backend.js';
import { INCUS_SOCKET, type TestProject } from './project.js';

export async function testBackend(project: TestProject, label: string): Promise<{ backend: Backend; configDir: string }> {
  const configDir = await mkdtemp(join(tmpdir(), `enclave-${label}-it-`));
  project.defer(() => rm(configDir, { recursive: true, force: true }));
  const backend = new Backend({
    project: project.name,
    socketPath: INCUS_SOCKET,
    retryMs: 300,
    settingsPath: join(configDir, 'settings.json'),
  });
  project.defer(() => backend.stop());
  return { backend, configDir };
}
