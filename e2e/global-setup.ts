import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, startServe, throwawayProject } from './support.js';

/**
 * One browser-mode backend for the run, in a throwaway Incus project. What the specs and the
 * teardown need travels in process.env (workers and teardown inherit it).
 */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(join(root, 'dist/electron/serve.mjs')) || !existsSync(join(root, 'dist/renderer/index.html'))) {
    throw new Error('Build first: npm run build (npm test does it before the e2e stage).');
  }
  const project = throwawayProject();
  process.env.ENCLAVE_PROJECT = project;
  // Settings of the run's own: never the user's ~/.config/enclave, which specs would read and write.
  process.env.ENCLAVE_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'enclave-e2e-config-'));
  const served = await startServe({ ENCLAVE_PROJECT: project });
  process.env.ENCLAVE_URL = served.url;
  process.env.ENCLAVE_SERVE_PID = String(served.child.pid);
  served.child.unref();
}
