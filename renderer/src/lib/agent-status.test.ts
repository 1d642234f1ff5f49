import { describe, expect, it } from 'vitest';
import { actionsFor, statusTone } from './agent-status.js';

describe('agent status', () => {
  it('offers start only when not running', () => {
    expect(actionsFor('Stopped')).toEqual(['start', 'delete']);
    expect(actionsFor('Running')).toEqual(['stop', 'restart', 'freeze', 'delete']);
    expect(actionsFor('Frozen')).toContain('unfreeze');
    expect(actionsFor('Frozen')).not.toContain('freeze');
  });

  it('colours transitional states alike', () => {
    expect(statusTone('Starting')).toBe('transitional');
    expect(statusTone('Stopping')).toBe('transitional');
    expect(statusTone('Freezing')).toBe('transitional');
    expect(statusTone('Error')).toBe('error');
  });
});
