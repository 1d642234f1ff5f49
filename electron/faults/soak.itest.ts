/**
 * A short soak: 8 rounds of create → exec → snapshot → restore → delete through the Backend
 * (on the spare daemon). Between round 2 and the last, the process's file descriptors stay
 * within ±5 and the listeners on every emitter the Backend holds do not grow: a round leaves
 * nothing behind. bench/soak.ts runs 50 rounds and prints memory besides.
 */
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../shared/types.js';
import { SPARE_IMAGE, spareIncusdSkipReason } from '../test-support/spare-incusd.js';
import { TestLink, ok } from '../test-support/terminal-link.js';
import { gauges, soakRound, type Gauges } from './soak-round.js';
import { useFaultRig } from './support.js';

const skipped = spareIncusdSkipReason();
const TITLE = 'a short soak';
if (skipped) {
  describe(TITLE, () => {
    it(`is skipped: ${skipped}`, (ctx) => ctx.skip(skipped));
  });
}

const ROUNDS = 8;

describe.skipIf(skipped)(TITLE, () => {
  const rig = useFaultRig();

  it(`leaves fds within ±5 and listeners flat over ${ROUNDS} rounds`, async () => {
    let second: Gauges | null = null;
    for (let round = 1; round <= ROUNDS; round++) {
      await soakRound(rig.backend, SPARE_IMAGE, round);
      if (round === 2) second = gauges(rig.backend);
    }
    const last = gauges(rig.backend);
    console.log(`soak: round 2 ${JSON.stringify(second)}; round ${ROUNDS} ${JSON.stringify(last)}`);
    expect(Math.abs(last.fds - (second as Gauges).fds)).toBeLessThanOrEqual(5);
    expect(last.listeners).toEqual((second as Gauges).listeners);
    expect(ok<Agent[]>(await new TestLink(rig.backend.handlers).call('agents.list', {}))).toEqual([]);
  }, 900_000);
});
