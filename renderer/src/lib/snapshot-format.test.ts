import { describe, expect, it } from 'vitest';
import type { AgentStatus, TerminalInfo } from '../../../shared/types.js';
import { describeExpiry, formatBytes, formatExpiry, formatSpan, keptFor, openTerminalCount, restoreNotice } from './snapshot-format.js';

const now = Date.parse('2026-11-29T10:00:00Z');
const later = (ms: number) => new Date(now + ms).toISOString();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('expiry', () => {
  it('says how long a snapshot has left', () => {
    expect(formatExpiry(null, now)).toBe('kept until deleted');
    expect(formatExpiry(later(6 * DAY + 2 * HOUR), now)).toBe('expires in 6 days');
    expect(formatExpiry(later(7 * DAY - 1000), now)).toBe('expires in 7 days');
    expect(formatExpiry(later(30 * HOUR), now)).toBe('expires in 30 hours');
    expect(formatExpiry(later(1 * HOUR), now)).toBe('expires in 1 hour');
    expect(formatExpiry(later(HOUR - 10_000), now)).toBe('expires in 1 hour');
    expect(formatExpiry(later(90_000), now)).toBe('expires in 2 minutes');
    expect(formatExpiry(later(-1000), now)).toBe('expired');
  });

  it('spans less than a minute', () => {
    expect(formatSpan(5000)).toBe('less than a minute');
  });

  it('puts Incus expiries into words', () => {
    expect(describeExpiry('7d')).toBe('7 days');
    expect(describeExpiry('1w 3d')).toBe('1 week 3 days');
    expect(describeExpiry('1H 30M')).toBe('1 hour 30 minutes');
    expect(describeExpiry('2m 1y')).toBe('2 months 1 year');
    expect(describeExpiry('')).toBe('');
    expect(keptFor('7d')).toBe('kept for 7 days');
    expect(keptFor('')).toBe('kept until deleted');
  });
});

describe('restoreNotice', () => {
  const notice = (status: AgentStatus, openTerminals = 0, safetyExpiry: string | null = '7d') =>
    restoreNotice({ agent: 'web', snapshot: 'snap-1', safetyExpiry, status, openTerminals });

  it('ends by saying whether the project rolls back: a mounted folder is in no snapshot, a copy is', () => {
    const withProject = (mode: 'copy' | 'mount') =>
      restoreNotice({ agent: 'web', snapshot: 'snap-1', safetyExpiry: '7d', status: 'Running', openTerminals: 0, workspace: { mode, source: '/home/u/app', kind: 'git', base: null, branch: null, readOnly: false } });
    expect(withProject('mount').detail).toMatch(/Then web runs from snap-1\. \/workspace is your folder \/home\/u\/app, mounted live: a rollback does not roll it back\.$/);
    expect(withProject('copy').detail).toMatch(/\/workspace is a copy on the agent's own disk: the rollback restores its code too\.$/);
    expect(notice('Running').detail).not.toMatch(/workspace/);
  });

  it('says first that a running agent restarts and what ends with it, then what the safety snapshot keeps', () => {
    expect(notice('Running', 2)).toEqual({
      lead: 'This restarts web: every process in it ends, its tmux session and scrollback too, and its 2 open terminals start over.',
      detail:
        "Enclave first takes a safety snapshot of web's files and settings (kept for 7 days; processes are not kept). Then web runs from snap-1. Terminal output so far stays readable above a marker.",
    });
    expect(notice('Running', 1).lead).toBe('This restarts web: every process in it ends, its tmux session and scrollback too, and its open terminal starts over.');
    expect(notice('Running', 0)).toEqual({
      lead: 'This restarts web: every process in it ends, its tmux session and scrollback too.',
      detail: "Enclave first takes a safety snapshot of web's files and settings (kept for 7 days; processes are not kept). Then web runs from snap-1.",
    });
    expect(notice('Starting').lead).toMatch(/^This restarts web/);
  });

  it('says a frozen agent runs after the restore, as the backend leaves it (not that it stays so)', () => {
    for (const status of ['Frozen', 'Freezing'] as const) {
      expect(notice(status, 1)).toEqual({
        lead: 'web is frozen; this restarts it: every process in it ends, its tmux session and scrollback too, and its open terminal starts over.',
        detail:
          "Enclave first takes a safety snapshot of web's files and settings (kept for 7 days; processes are not kept). Then web runs from snap-1, no longer frozen. Terminal output so far stays readable above a marker.",
      });
    }
  });

  it('says a stopped agent stays stopped, and nothing about processes ending', () => {
    expect(notice('Stopped')).toEqual({
      lead: 'web is stopped and stays so: the restore does not start it.',
      detail: "Enclave first takes a safety snapshot of web's files and settings (kept for 7 days; processes are not kept), then restores web to snap-1. Start it when you want it to run.",
    });
    expect(notice('Stopping').lead).toBe('web is stopping and stays so: the restore does not start it.');
    expect(notice('Error').lead).toBe('web is in state Error and stays so: the restore does not start it.');
    expect(notice('Unknown').lead).toBe('web is in state Unknown and stays so: the restore does not start it.');
  });

  it('says how long the safety snapshot is kept, or that Settings decide while they are not loaded', () => {
    expect(notice('Running', 0, '').detail).toContain('(kept until deleted;');
    expect(notice('Running', 0, null).detail).toContain('(kept as long as Settings say;');
  });

  it('counts the terminals a restore cuts: the agent\'s own, not ended ones', () => {
    const term = (id: string, agent: string, state: TerminalInfo['state']): TerminalInfo => ({
      id, agent, kind: 'agent', title: agent, persistent: true, notice: null, state, exitCode: null, message: null, cols: 80, rows: 24, createdAt: '2026-11-29T10:00:00Z',
    });
    const list = [term('a', 'web', 'open'), term('b', 'web', 'reconnecting'), term('c', 'web', 'exited'), term('d', 'api', 'open')];
    expect(openTerminalCount(list, 'web')).toBe(2);
    expect(openTerminalCount(list, 'db')).toBe(0);
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MiB');
  });
});
