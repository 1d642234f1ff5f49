import { describe, expect, it } from 'vitest';
import { agentNameProblem } from '../../../shared/names.js';
import { sanitizeAgentName, suggestCloneName } from './clone-name.js';

describe('suggestCloneName', () => {
  it('names a live clone after its source', () => {
    expect(suggestCloneName('web', null, [])).toBe('web-clone');
  });

  it('names a snapshot clone after source and snapshot, bent to the agent-name rules', () => {
    expect(suggestCloneName('web', 'snap-20261129-051500', [])).toBe('web-snap-20261129-051500');
    expect(suggestCloneName('web', 'before_upgrade.v2', [])).toBe('web-before-upgrade-v2');
    expect(suggestCloneName('web', 'x--', [])).toBe('web-x');
  });

  it('counts up past names in use', () => {
    expect(suggestCloneName('web', null, ['web-clone'])).toBe('web-clone-2');
    expect(suggestCloneName('web', null, ['web-clone', 'web-clone-2'])).toBe('web-clone-3');
  });

  it('stays within 63 characters, also with a counter', () => {
    const long = 'a'.repeat(60);
    const name = suggestCloneName(long, 'snapshot-name', []);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(agentNameProblem(name)).toBeNull();
    const next = suggestCloneName(long, 'snapshot-name', [name]);
    expect(next).not.toBe(name);
    expect(next.length).toBeLessThanOrEqual(63);
    expect(agentNameProblem(next)).toBeNull();
  });

  it('always gives a valid name', () => {
    for (const [source, snapshot] of [
      ['a', '___'],
      ['b', '9lives'],
      ['c', 'é'],
    ] as const) {
      expect(agentNameProblem(suggestCloneName(source, snapshot, []))).toBeNull();
    }
  });
});

describe('sanitizeAgentName', () => {
  it('drops what an agent name cannot have', () => {
    expect(sanitizeAgentName('9-lives_of.cats--')).toBe('lives-of-cats');
    expect(sanitizeAgentName('---')).toBe('');
  });
});
