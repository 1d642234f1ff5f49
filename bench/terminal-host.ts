/**
 * The Enclave side of bench/terminal.ts, in its own process as `npm run serve` runs it: a
 * Backend and the browser-mode web host on loopback, so the bench process plays the browser
 * and the two do not share one event loop (nor does the CLI share the bench's).
 *
 * Started by bench/terminal.ts with the project and socket as arguments and an IPC channel;
 * reports `{t: 'ready', port, token}` (or `{t: 'failed', message}`), answers 'cpu' with the CPU
 * time it has used, and stops when told to ('stop'), when its parent goes away, or on SIGINT/SIGTERM.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend } from '../electron/core/backend.js';
import { startWebHost, type WebHost } from '../electron/transport/web-host.js';

export type HostMessage =
  | { t: 'ready'; port: number; token: string }
  | { t: 'failed'; message: string }
  | { t: 'cpu'; seconds: number };

async function main(): Promise<void> {
  const [project, socketPath] = process.argv.slice(2);
  if (!project || !socketPath || !process.send) throw new Error('run by bench/terminal.ts: terminal-host.ts PROJECT SOCKET');
  const tell = (m: HostMessage) => process.send?.(m);

  const dir = await mkdtemp(join(tmpdir(), 'enclave-bench-'));
  const backend = new Backend({ project, socketPath });
  let host: WebHost | null = null;
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([host?.close(), backend.stop()])
      .then(() => rm(dir, { recursive: true, force: true }))
      .finally(() => process.exit(0));
  };
  process.on('message', (m) => {
    if (m === 'stop') stop();
    if (m === 'cpu') {
      const { user, system } = process.cpuUsage();
      tell({ t: 'cpu', seconds: (user + system) / 1e6 });
    }
  });
  process.on('disconnect', stop);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>Enclave terminal bench</title>');
    backend.start();
    await backend.ready();
    host = await startWebHost({ backend, staticDir: dir });
    tell({ t: 'ready', port: host.port, token: host.token });
  } catch (err) {
    tell({ t: 'failed', message: err instanceof Error ? err.message : String(err) });
    stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench terminal host failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
