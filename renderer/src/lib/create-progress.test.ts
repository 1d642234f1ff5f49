import { describe, expect, it } from 'vitest';
import { createRows, rowLabels, rowOf } from './create-progress.js';

describe('the create progress rows', () => {
  it('a copy adds its own row between the start and the tmux session', () => {
    expect(createRows('copy')).toEqual(['creating', 'starting', 'workspace', 'ready']);
    expect(createRows('mount')).toEqual(['creating', 'starting', 'ready']);
    expect(createRows(null)).toEqual(['creating', 'starting', 'ready']);
  });

  it('the tmux session moves to the last row when the copy comes first', () => {
    expect(rowLabels('claude', 'copy')).toEqual({
      creating: 'Create the container',
      starting: 'Start it',
      workspace: 'Copy the project into /workspace',
      ready: 'Run `claude` in tmux and open its terminal',
    });
    expect(rowLabels('', null).starting).toBe('Start it and start its tmux session');
    expect(rowLabels('', 'copy').ready).toBe('Start its tmux session and open its terminal');
  });

  it('the workspace stage is a row; failed is none (it marks the row reached)', () => {
    expect(rowOf('workspace')).toBe('workspace');
    expect(rowOf('failed')).toBeNull();
    expect(rowOf(undefined)).toBeNull();
  });
});
