import { describe, expect, it } from 'vitest';
import {
  AGENT_NAME_RULE,
  EXPIRY_RULE,
  SCHEDULE_RULE,
  SNAPSHOT_NAME_RULE,
  agentNameProblem,
  expiryMs,
  expiryProblem,
  scheduleProblem,
  snapshotNameProblem,
  suggestAgentName,
} from './names.js';

describe('agentNameProblem', () => {
  it.each(['a', 'agent-1', 'Claude-Code', 'x9', 'a-b-c', 'A'.repeat(63), 'z' + '0'.repeat(62)])('accepts %s', (name) => {
    expect(agentNameProblem(name)).toBeNull();
  });

  it('refuses the empty name', () => {
    expect(agentNameProblem('')).toBe(`The name is empty. ${AGENT_NAME_RULE}`);
  });

  it('accepts 63 characters and refuses 64', () => {
    expect(agentNameProblem('a'.repeat(63))).toBeNull();
    const problem = agentNameProblem('a'.repeat(64));
    expect(problem).toContain('is 64 characters long');
    expect(problem).toContain(AGENT_NAME_RULE);
    // The quoted name is shortened so the message stays readable.
    expect(problem).toContain(`"${'a'.repeat(20)}…"`);
  });

  it.each([
    ['agent_1', '_'],
    ['agent.1', '.'],
    ['agent 1', ' '],
    ['agent/1', '/'],
    ['agént', 'é'],
    ['a:b', ':'],
  ])('names the bad character in %s', (name, bad) => {
    expect(agentNameProblem(name)).toBe(`"${name}" contains "${bad}". ${AGENT_NAME_RULE}`);
  });

  it('refuses a leading digit', () => {
    expect(agentNameProblem('1agent')).toBe(`"1agent" starts with a digit. ${AGENT_NAME_RULE}`);
    expect(agentNameProblem('9')).toContain('starts with a digit');
  });

  it('refuses a leading dash', () => {
    expect(agentNameProblem('-agent')).toBe(`"-agent" starts with a dash. ${AGENT_NAME_RULE}`);
  });

  it('refuses a trailing dash', () => {
    expect(agentNameProblem('agent-')).toBe(`"agent-" ends with a dash. ${AGENT_NAME_RULE}`);
    expect(agentNameProblem('-')).toContain('starts with a dash');
  });

  it('checks length before characters', () => {
    expect(agentNameProblem('_'.repeat(64))).toContain('64 characters long');
  });
});

describe('suggestAgentName', () => {
  it('starts at 1', () => {
    expect(suggestAgentName([])).toBe('agent-1');
  });

  it('takes the first free number, filling gaps', () => {
    expect(suggestAgentName(['agent-1', 'agent-2', 'agent-4'])).toBe('agent-3');
    expect(suggestAgentName(['agent-2'])).toBe('agent-1');
  });

  it('accepts any iterable and a base', () => {
    expect(suggestAgentName(new Set(['coder-1']), 'coder')).toBe('coder-2');
    expect(suggestAgentName(['agent-1'], 'coder')).toBe('coder-1');
  });

  it('suggests names that pass the rules', () => {
    const taken = Array.from({ length: 50 }, (_, i) => `agent-${i + 1}`);
    const name = suggestAgentName(taken);
    expect(name).toBe('agent-51');
    expect(agentNameProblem(name)).toBeNull();
  });
});

describe('snapshotNameProblem', () => {
  it.each(['a', 'snap-20261129-051500', 'before.refactor', 'v1_2', '0day', 'A'.repeat(63), 'x.y-z_w'])('accepts %s', (name) => {
    expect(snapshotNameProblem(name)).toBeNull();
  });

  it('refuses the empty name and states the rule', () => {
    expect(snapshotNameProblem('')).toBe(`The name is empty. ${SNAPSHOT_NAME_RULE}`);
  });

  it('accepts 63 characters and refuses 64, quoting a shortened name', () => {
    const problem = snapshotNameProblem('s'.repeat(64));
    expect(problem).toContain('is 64 characters long');
    expect(problem).toContain(`"${'s'.repeat(20)}…"`);
    expect(problem).toContain(SNAPSHOT_NAME_RULE);
  });

  it.each([
    ['a/b', '/'],
    ['a b', ' '],
    ['a:b', ':'],
    ['snäp', 'ä'],
    ['a?', '?'],
  ])('names the bad character in %s', (name, bad) => {
    expect(snapshotNameProblem(name)).toBe(`"${name}" contains "${bad}". ${SNAPSHOT_NAME_RULE}`);
  });

  it.each(['.hidden', '..', '-dash', '_under'])('refuses %s, which does not start with a letter or digit', (name) => {
    expect(snapshotNameProblem(name)).toBe(`"${name}" must start with a letter or digit. ${SNAPSHOT_NAME_RULE}`);
  });
});

describe('scheduleProblem', () => {
  it.each([
    '',
    '   ',
    '@hourly',
    '@daily',
    '@weekly',
    '@monthly',
    '@yearly',
    '@annually',
    '@midnight',
    '0 */6 * * *',
    '15 3 * * 1-5',
    '*/5 * * * *',
    '0 0 1,15 * *',
    '1-30/5 * * * *',
    '0 0 1-31/2 * *',
    '59 23 31 12 6',
    '0 0 1 1 0',
    '*/60 * * * *',
    ' 0 3 * * * ',
    '0 9 * * mon-fri',
    '0 9 * JAN,jul SUN',
    '0 9 * * 1-5, @midnight',
    '@daily, @hourly',
    '@never',
  ])('accepts %j (Incus accepts it too)', (s) => {
    expect(scheduleProblem(s)).toBeNull();
  });

  it.each([
    ['* * * *', 'has 4 fields'],
    ['0 0 * * * *', 'has 6 fields'],
    ['@every 1h', 'has 2 fields'],
    ['@reboot', 'has 1 fields'],
    ['daily', 'has 1 fields'],
    ['x * * * *', '"x" is not a minute'],
    ['0 */6 * * ?', '"?" is not a cron field'],
    ['*-5 * * * *', '"*-5" is not a cron field'],
    ['0 0 * * L', '"L" is not a weekday'],
    ['@daily, 0 0 * * L', '"L" is not a weekday'],
    ['@daily, , @hourly', 'empty entry'],
    ['@daily,@hourly', 'has 1 fields'],
  ])('refuses %j: %s', (s, why) => {
    const problem = scheduleProblem(s);
    expect(problem).toContain(why);
    expect(problem).toContain(SCHEDULE_RULE);
  });

  // Each of these is refused by Incus 6.0.4 ("Error parsing schedule: …"); checked here first
  // so the user reads the rule, and settings never hold a default that makes every create fail.
  it.each([
    ['61 * * * *', 'outside the minute range 0–59'],
    ['0 24 * * *', 'outside the hour range 0–23'],
    ['0 0 0 * *', 'outside the day of month range 1–31'],
    ['0 0 32 * *', 'outside the day of month range 1–31'],
    ['0 0 * 13 *', 'outside the month range 1–12'],
    ['0 0 * 0 *', 'outside the month range 1–12'],
    ['0 0 * * 7', 'outside the weekday range 0–6'],
    ['5-1 * * * *', 'ends before it begins'],
    ['*/0 * * * *', 'step in "*/0" must be at least 1'],
    ['0-59/0 * * * *', 'must be at least 1'],
    ['0 0 * * fri-mon', 'ends before it begins'],
  ])('refuses %j, out of range: %s', (s, why) => {
    const problem = scheduleProblem(s);
    expect(problem).toContain(why);
    expect(problem).toContain(SCHEDULE_RULE);
  });
});

describe('expiryProblem', () => {
  it.each(['', '  ', '7d', '1w 3d', '30M', '2H', '1m', '1y', '0d', '12H 30M', ' 7d '])('accepts %j', (e) => {
    expect(expiryProblem(e)).toBeNull();
  });

  it.each(['7', 'd', '7 d', '1w3d', '1x', '7D', '-1d', '1.5d', 'forever', '7days'])('refuses %j and states the rule', (e) => {
    expect(expiryProblem(e)).toBe(`"${e}" is not an expiry. ${EXPIRY_RULE}`);
  });

  it.each(['9999999999999y', '101y', '5300w'])('refuses %j: longer than a date can hold for every restore', (e) => {
    expect(expiryProblem(e)).toBe(`"${e}" is longer than 100 years; an expiry is at most that.`);
  });

  it('accepts exactly 100 years', () => expect(expiryProblem('100y')).toBeNull());
});

describe('expiryMs', () => {
  const M = 60_000;
  const H = 60 * M;
  const D = 24 * H;
  it.each([
    ['30M', 30 * M],
    ['2H', 2 * H],
    ['7d', 7 * D],
    ['1w', 7 * D],
    ['1w 3d', 10 * D],
    ['1m', 30 * D],
    ['1y', 365 * D],
    ['12H 30M', 12 * H + 30 * M],
    [' 1d ', D],
    ['', 0],
    ['0d', 0],
  ])('%j is %d ms', (e, ms) => {
    expect(expiryMs(e)).toBe(ms);
  });

  it('distinguishes M (minutes) from m (months)', () => {
    expect(expiryMs('1M')).toBe(M);
    expect(expiryMs('1m')).toBe(30 * D);
  });
});
