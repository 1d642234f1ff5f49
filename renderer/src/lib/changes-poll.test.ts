import { describe, expect, it } from 'vitest';
import { CHANGES_POLL_MS, pollDecision, type PollInput } from './changes-poll.js';

const base: PollInput = { hasWorkspace: true, running: true, visible: true, inFlight: false, lastAt: 1000, now: 1000 + CHANGES_POLL_MS };

describe('pollDecision', () => {
  it('reads every 3 s while visible and running', () => {
    expect(pollDecision(base)).toEqual({ kind: 'now' });
    expect(pollDecision({ ...base, now: 1000 + 1000 })).toEqual({ kind: 'later', inMs: CHANGES_POLL_MS - 1000 });
  });

  it('reads at once the first time, even for a stopped agent (to show that it is stopped)', () => {
    expect(pollDecision({ ...base, lastAt: null, running: false })).toEqual({ kind: 'now' });
  });

  it('pauses while hidden, stopped, without a workspace, or while a read runs', () => {
    expect(pollDecision({ ...base, visible: false })).toEqual({ kind: 'paused', why: 'hidden' });
    expect(pollDecision({ ...base, visible: false, lastAt: null })).toEqual({ kind: 'paused', why: 'hidden' });
    expect(pollDecision({ ...base, running: false })).toEqual({ kind: 'paused', why: 'stopped' });
    expect(pollDecision({ ...base, hasWorkspace: false })).toEqual({ kind: 'paused', why: 'no-workspace' });
    expect(pollDecision({ ...base, inFlight: true })).toEqual({ kind: 'paused', why: 'in-flight' });
  });

  it('reads at once when the panel shows again after a long pause', () => {
    expect(pollDecision({ ...base, now: base.now + 60_000 })).toEqual({ kind: 'now' });
  });
});
