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
}
