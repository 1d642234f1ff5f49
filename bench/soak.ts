/**
 * Soak: 50 rounds of create → exec → snapshot → restore → delete through a Backend on a
 * spare incusd of its own (see electron/test-support/spare-incusd.ts; needs root), then the
 * backend's file descriptors, listeners per emitter and RSS at round 5 against round 50.
 * Goal (issue #9): fds within ±5, listeners flat, RSS within ±20 MB.
 *
 *   npm run bench:soak [-- ROUNDS]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Backend } from '../electron/core/backend.js';
import { FAULTS_PROJECT, NO_NETWORK } from '../electron/faults/support-model.js';
import { gauges, soakRound, type Gauges } from '../electron/faults/soak-round.js';
import { SPARE_IMAGE, SpareIncusd, spareIncusdSkipReason } from '../electron/test-support/spare-incusd.js';

const ROUNDS = Number(process.argv[2]) || 50;
const BASELINE = 5;

async function main(): Promise<void> {
  const skip = spareIncusdSkipReason();
  if (skip) throw new Error(`bench:soak cannot run: ${skip}`);
  const configDir = await mkdtemp(join(tmpdir(), 'enclave-soak-'));
  const daemon = await SpareIncusd.create();
  const backend = new Backend({
    project: FAULTS_PROJECT,
    socketPath: daemon.socketPath,
    retryMs: 200,
    settingsPath: join(configDir, 'settings.json'),
    network: { bridges: false, blockedLog: false },
  });
  const stop = async () => {
    await backend.stop().catch(() => undefined);
    await daemon.destroy().catch((err: unknown) => console.error(err));
    await rm(configDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
  try {
    backend.start();
    await backend.ready(30_000);
    await backend.settings.update({ defaultNetwork: NO_NETWORK });
    let base: Gauges | null = null;
    const t0 = Date.now();
    for (let round = 1; round <= ROUNDS; round++) {
      await soakRound(backend, SPARE_IMAGE, round);
      if (round === BASELINE) base = gauges(backend);
      if (round % 10 === 0) console.log(`round ${round}/${ROUNDS}: ${((Date.now() - t0) / round / 1000).toFixed(1)} s per round`);
    }
    const last = gauges(backend);
    const b = base ?? last;
    const mib = (n: number) => (n / 2 ** 20).toFixed(1);
    console.log(`soak over ${ROUNDS} rounds, round ${BASELINE} → ${ROUNDS}:`);
    console.log(`  fds        ${b.fds} → ${last.fds} (${last.fds - b.fds >= 0 ? '+' : ''}${last.fds - b.fds}; goal ±5)`);
    const flat = JSON.stringify(b.listeners) === JSON.stringify(last.listeners);
    console.log(`  listeners  ${JSON.stringify(b.listeners)} → ${flat ? 'same' : JSON.stringify(last.listeners)}`);
    console.log(`  RSS        ${mib(b.rss)} MiB → ${mib(last.rss)} MiB (${mib(last.rss - b.rss)} MiB; goal ±20 MB)`);
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
