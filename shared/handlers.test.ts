import { describe, expect, it } from 'vitest';
import type { Agent } from './types.js';
import type { Handlers } from './handlers.js';

describe('Handlers', () => {
  it('is the contract: a handler answering the wrong type, or a backend missing one, does not compile', () => {
    // @ts-expect-error: agents.list answers Agent[], not a string
    const wrong: Pick<Handlers, 'agents.list'> = { 'agents.list': async () => 'agents' };
    // @ts-expect-error: every request other than agents.list has no handler
    const missing: Handlers = { 'agents.list': async (): Promise<Agent[]> => [] };
    expect([wrong, missing]).toHaveLength(2);
  });
});
