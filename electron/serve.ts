/** Browser mode: `npm run serve [-- --port N]`. Runs the backend under plain Node. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Backend } from './core/backend.js';
import { plainCipher } from './core/secrets/cipher.js';
import { cliConfigDir } from './core/servers/cli-config.js';
import type { SetupRunnerOptions } from './core/setup-runner.js';
import { startWebHost } from './transport/web-host.js';

export function parsePort(argv: string[]): number | undefined {
  const i = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  if (i < 0) return undefined;
  const arg = argv[i] ?? '';
  const raw = arg.includes('=') ? arg.split('=')[1] : argv[i + 1];
  // Digits only: Number('') is 0, which would silently pick a random port.
  const port = /^\d{1,5}$/.test(raw ?? '') ? Number(raw) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port takes a number from 0 to 65535 (0 picks a free port); got "${raw ?? ''}".`);
  }
  return port;
}

/**
 * The setup the connection screen may run: the checkout's scripts/setup-incus.sh. The e2e
 * suite names a fake one of its own (ENCLAVE_TEST_SETUP_SCRIPT) that stands for whatever
 * daemon it points Enclave at; no caller of the contract can choose it.
 */
export function setupScript(root: string, env: NodeJS.ProcessEnv = process.env): SetupRunnerOptions {
  const fake = env.ENCLAVE_TEST_SETUP_SCRIPT;
  if (fake) return { script: fake, sockets: 'any' };
  return { script: join(root, 'scripts', 'setup-incus.sh') };
}

export async function serve(argv: string[], why?: string): Promise<void> {
  const port = parsePort(argv);
  const here = dirname(fileURLToPath(import.meta.url));
  // No keychain to ask here: secrets are kept in a 0600 file, and the UI says so.
  // The incus CLI's remotes appear as servers (ENCLAVE_NO_CLI_REMOTES=1 leaves them out, e.g. for the e2e suite's own backend).
  const backend = new Backend({
    setup: setupScript(join(here, '..', '..')),
    secretCipher: plainCipher,
    cliConfigDir: process.env.ENCLAVE_NO_CLI_REMOTES ? null : cliConfigDir(),
    // The e2e suite's remote is a second incusd on this very host, sharing its network
    // namespace, where the first daemon's bridges already have Enclave's names.
    ...(process.env.ENCLAVE_TEST_REMOTE_NO_BRIDGES ? { remoteNetwork: { bridges: false } } : {}),
  });
  backend.start();
  const host = await startWebHost({ backend, staticDir: join(here, '..', 'renderer'), port });
  if (why) console.log(`Enclave: ${why}`);
  console.log(`Enclave is running in browser mode. Open this URL (it carries your access token):\n\n  ${host.url}\n`);
  let previous = '';
  let said = '';
  backend.local.connection.on('status', (s) => {
    // Every retry reports the same status again: say it once, until it changes.
    const line = s.state === 'unavailable' ? `Incus: ${s.message} ${s.hint}` : '';
    if (line && line !== said) console.log(line);
    said = line;
    if (s.state === 'connected' && previous !== 'connected') console.log(`Incus: connected on ${s.socketPath} (project ${s.project}, Incus ${s.serverVersion}).`);
    if (s.state === 'connected' && s.warning) console.log(`Incus: ${s.warning}`);
    previous = s.state;
  });
  const shutdown = () => {
    void Promise.all([host.close(), backend.stop()]).finally(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

const invokedDirectly = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  serve(process.argv.slice(2), process.env.ENCLAVE_SERVE_REASON).catch((err: unknown) => {
    console.error(`Enclave: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
