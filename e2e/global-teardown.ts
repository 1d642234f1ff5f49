import { rmSync } from 'node:fs';
import { dropProject } from './support.js';

export default async function globalTeardown(): Promise<void> {
  const pid = Number(process.env.ENCLAVE_SERVE_PID);
  if (pid) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  if (process.env.ENCLAVE_PROJECT) await dropProject(process.env.ENCLAVE_PROJECT);
  if (process.env.ENCLAVE_CONFIG_DIR?.includes('enclave-e2e-config-')) rmSync(process.env.ENCLAVE_CONFIG_DIR, { recursive: true, force: true });
}
