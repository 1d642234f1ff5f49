// `npm test`'s first step: checks that what the suites need is there (an Incus daemon that
// answers, the btrfs pool, the agent image at the setup script's version, /usr/bin/chromium).
// When something is missing it runs scripts/setup-incus.sh as root (as CI does), else it names
// the one command to run and fails. When all is ready it only asks the daemon four questions.
import { spawnSync } from 'node:child_process';
import { constants, existsSync, readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decide, imageVersionOf } from './test-prereqs-model.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const script = join(root, 'scripts', 'setup-incus.sh');
const say = (line) => console.log(`[test-prereqs] ${line}`);

/** The socket the tests use (electron/test-support/project.ts): INCUS_SOCKET, else the default. */
const LOCAL_SOCKET = '/var/lib/incus/unix.socket';
const socketPath = process.env.INCUS_SOCKET || LOCAL_SOCKET;
const poolName = process.env.ENCLAVE_POOL || 'enclave';
const imageAlias = process.env.ENCLAVE_IMAGE_ALIAS || 'enclave-agent';

/** GET on the daemon's REST API: { status, metadata } or { error: code }. */
function get(path) {
  return new Promise((resolve) => {
    const req = request({ socketPath, path, method: 'GET', timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        if (body.length < 1_000_000) body += chunk;
      });
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, metadata: JSON.parse(body).metadata });
        } catch {
          resolve({ status: res.statusCode ?? 0, metadata: null });
        }
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => resolve({ error: err.code ?? 'error' }));
    req.end();
  });
}

async function facts() {
  const scriptPresent = existsSync(script);
  const imageVersion = scriptPresent ? imageVersionOf(readFileSync(script, 'utf8')) : null;
  const chromium = await access('/usr/bin/chromium', constants.X_OK).then(() => true, () => false);
  const base = { socketPath, customSocket: socketPath !== LOCAL_SOCKET, poolName, imageAlias, imageVersion, chromium, scriptPresent, root: process.getuid?.() === 0 };
  const info = await get('/1.0');
  if ('error' in info) {
    const socket =
      info.error === 'ENOENT' ? 'missing' : info.error === 'EACCES' || info.error === 'EPERM' ? 'permission-denied' : 'not-responding';
    return { ...base, socket, pool: 'missing', image: 'missing' };
  }
  if (info.metadata?.auth !== 'trusted') return { ...base, socket: 'untrusted', pool: 'missing', image: 'missing' };
  const [pool, alias] = await Promise.all([
    get(`/1.0/storage-pools/${encodeURIComponent(poolName)}`),
    get(`/1.0/images/aliases/${encodeURIComponent(imageAlias)}`),
  ]);
  const driver = pool.status === 200 ? pool.metadata?.driver : null;
  let image = 'missing';
  if (alias.status === 200 && typeof alias.metadata?.target === 'string') {
    const img = await get(`/1.0/images/${encodeURIComponent(alias.metadata.target)}`);
    const version = img.status === 200 ? (img.metadata?.properties?.enclave_version ?? null) : null;
    image = imageVersion === null || version === imageVersion ? 'ok' : { version };
  }
  return { ...base, socket: 'answers', pool: driver === 'btrfs' ? 'ok' : driver ? { driver } : 'missing', image };
}

function tell(decision) {
  console.error(`[test-prereqs] The tests cannot run yet: ${decision.missing.join('; ')}.`);
  console.error(`[test-prereqs] Run this once (${decision.why}), then npm test again:\n\n  ${decision.command}\n`);
  process.exit(1);
}

const first = decide(await facts());
if (first.action === 'tell') tell(first);
if (first.action === 'setup') {
  say(`missing: ${first.missing.join('; ')}. Running scripts/setup-incus.sh (root) first:`);
  // No stdin: CI has none, and nothing in the setup may wait on one.
  // The incus CLI inside it must talk to the local daemon, whatever this shell points at.
  const env = { ...process.env };
  delete env.INCUS_SOCKET;
  delete env.INCUS_DIR;
  const run = spawnSync('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (run.status !== 0) {
    console.error(`[test-prereqs] scripts/setup-incus.sh failed (${run.signal ?? `exit ${run.status}`}); its output is above.`);
    process.exit(1);
  }
  const after = decide(await facts());
  if (after.action !== 'ready') {
    console.error(`[test-prereqs] Still missing after the setup: ${after.missing.join('; ')}.`);
    process.exit(1);
  }
  say('ready');
}
