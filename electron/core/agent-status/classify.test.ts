import { describe, expect, it } from 'vitest';
import { notifies } from '../../../shared/agent-status.js';
import { classify, parseProbe, PROBE_SEPARATOR as S, QUIET_SECONDS } from './classify.js';

const pane = (dead: string, status: string, activity: string, cmd: string) => [dead, status, activity, cmd].join(S);

describe('parseProbe', () => {
  it('reads the three lines', () => {
    const r = parseProbe(`${pane('0', '', '1000', 'claude')}\n1002\nwaiting 1001\n`);
    expect(r).toEqual({ session: true, dead: false, deadStatus: null, activityAt: 1000, command: 'claude', now: 1002, hook: { state: 'waiting', at: 1001 }, exitFile: null });
  });
  it('reads a dead pane with its status', () => {
    expect(parseProbe(`${pane('1', '3', '1000', 'bash')}\n1002\n`)).toMatchObject({ dead: true, deadStatus: 3 });
  });
  it('treats anything else as no session, without trusting it', () => {
    expect(parseProbe('').session).toBe(false);
    expect(parseProbe('no server running on /tmp/tmux-0/default\n').session).toBe(false);
    expect(parseProbe(`${pane('2', '', '1', 'x')}\n5\n`).session).toBe(false);
    expect(parseProbe(`${pane('0', '', '1', 'x')}${S}extra\n5\n`).session).toBe(false);
  });
  it('cleans a hostile command name', () => {
    expect(parseProbe(`${pane('0', '', '1', '\u001b[31mEnclave: all good\u0007' + 'x'.repeat(200))}\n5\n`).command).toBe(('[31mEnclave:allgood' + 'x'.repeat(200)).slice(0, 64));
  });
  it('ignores a hook line that is not one of the two words', () => {
    expect(parseProbe(`${pane('0', '', '1', 'x')}\n5\nexited 3\n`).hook).toBeNull();
  });
});

describe('classify', () => {
  const plain = { hooks: false, command: false };
  const hooks = { hooks: true, command: true };
  const base = { session: true, dead: false, deadStatus: null, activityAt: 1000, command: 'claude', now: 1000, hook: null, exitFile: null };
  it('recent output is working, quiet with a program in front is waiting, a shell in front is idle', () => {
    expect(classify(base, plain).state).toBe('working');
    expect(classify({ ...base, now: 1000 + QUIET_SECONDS }, plain).state).toBe('waiting');
    expect(classify({ ...base, now: 1000 + QUIET_SECONDS, command: 'bash' }, plain).state).toBe('idle');
    // A template's command run by bash (a compound line) shows bash in front: still waiting.
    expect(classify({ ...base, now: 1000 + QUIET_SECONDS, command: 'bash' }, { hooks: false, command: true }).state).toBe('waiting');
  });
  it("the wrapper's exit file says exited when tmux did not collect the exit", () => {
    expect(parseProbe(`${pane('0', '', '1000', 'bash')}\n1002\n\n3\n`)).toMatchObject({ dead: false, exitFile: 3 });
    expect(classify({ ...base, exitFile: 3 }, plain)).toEqual({ state: 'exited', exitCode: 3, source: 'tmux' });
    expect(classify({ ...base, dead: true, deadStatus: null, exitFile: 5 }, plain).exitCode).toBe(5);
    expect(parseProbe(`${pane('0', '', '1000', 'bash')}\n1002\n\nnope\n`).exitFile).toBeNull();
  });
  it('a dead pane is exited with its code', () => {
    expect(classify({ ...base, dead: true, deadStatus: 7 }, plain)).toEqual({ state: 'exited', exitCode: 7, source: 'tmux' });
  });
  it('no session is unknown', () => {
    expect(classify({ ...base, session: false }, hooks).state).toBe('unknown');
  });
  it("hooks decide where the template uses them: waiting holds through the prompt's redraws", () => {
    expect(classify({ ...base, hook: { state: 'waiting', at: 990 } }, hooks)).toEqual({ state: 'waiting', exitCode: null, source: 'hooks' });
    expect(classify({ ...base, hook: { state: 'waiting', at: 990 } }, plain).state).toBe('working');
    expect(classify({ ...base, now: 1100, hook: { state: 'working', at: 1000 } }, hooks).state).toBe('working');
    // A "working" hook older than the last output: tmux decides.
    expect(classify({ ...base, now: 1100, hook: { state: 'working', at: 900 } }, hooks)).toEqual({ state: 'waiting', exitCode: null, source: 'tmux' });
  });
});

describe('notifies', () => {
  it('only when an agent that was working starts waiting', () => {
    expect(notifies('working', 'waiting')).toBe(true);
    expect(notifies(null, 'waiting')).toBe(false);
    expect(notifies('waiting', 'waiting')).toBe(false);
    expect(notifies('idle', 'waiting')).toBe(false);
    expect(notifies('working', 'exited')).toBe(false);
  });
});
