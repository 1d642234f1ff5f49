/**
 * Fault: an agent with a small memory limit runs an exec that allocates past it (`tail
 * /dev/zero` keeps one ever-growing line), and the kernel's OOM killer ends it.
 *
 * What the caller sees: the exec call ends (never hangs) with exit code 137 (128 + SIGKILL),
 * and the agent and the backend are fine after: the agent is still Running, answers the next
 * exec, and the backend still answers the contract.
 */
import { describe, expect, it } from 'vitest';
import type { Agent, ConnectionStatus, LimitsResult } from '../../shared/types.js';
import { execCommand } from '../incus/exec.js';
import { SPARE_IMAGE, spareIncusdSkipReason } from '../test-support/spare-incusd.js';
import { TestLink, ok } from '../test-support/terminal-link.js';
import { settles, useFaultRig } from './support.js';

const skipped = spareIncusdSkipReason();
const TITLE = 'an agent OOM-killed during an exec';
if (skipped) {
  describe(TITLE, () => {
    it(`is skipped: ${skipped}`, (ctx) => ctx.skip(skipped));
  });
}

describe.skipIf(skipped)(TITLE, () => {
  const rig = useFaultRig();
  const call = (method: string, args: unknown = {}) => new TestLink(rig.backend.handlers).call(method, args);

  it('ends the exec with 137 and leaves the agent and the backend running', async () => {
    ok<Agent>(await call('agents.create', { name: 'hungry', image: SPARE_IMAGE }));
    ok<LimitsResult>(await call('agents.setLimits', { agent: 'hungry', limits: { memory: '64MiB' } }));
    const client = rig.backend.local.connection.requireClient();

    const outcome = await settles(execCommand(client, 'hungry', ['tail', '/dev/zero'], { timeoutMs: 60_000 }), 90_000, 'the exec past the memory limit');
    expect(outcome.ok, outcome.ok ? '' : String(outcome.error)).toBe(true);
    const result = (outcome as { ok: true; value: Awaited<ReturnType<typeof execCommand>> }).value;
    expect(result.exitCode).toBe(137);

    const agent = ok<Agent[]>(await call('agents.list')).find((a) => a.name === 'hungry');
    expect(agent?.status).toBe('Running');
    const after = await execCommand(client, 'hungry', ['echo', 'still here']);
    expect(after.exitCode).toBe(0);
    expect(after.stdout.toString()).toBe('still here\n');
    expect(ok<ConnectionStatus>(await call('system.status')).state).toBe('connected');
  });
});
