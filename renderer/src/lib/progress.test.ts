import { describe, expect, it } from 'vitest';
import { isNote, progressPercent, progressText } from './progress.js';

describe('progress text', () => {
  it('joins the stage and Incus detail', () => {
    expect(progressText({ name: 'a', stage: 'creating', detail: 'Unpacking image: 45%' })).toBe(
      'Creating: Unpacking image: 45%',
    );
    expect(progressText({ name: 'a', stage: 'starting', detail: '' })).toBe('Starting…');
    expect(progressText({ name: 'a', stage: 'starting', detail: 'Starting' })).toBe('Starting…');
  });

  it('finds the percentage in the detail', () => {
    expect(progressPercent({ name: 'a', stage: 'creating', detail: 'rootfs: 45% (12.3MB/s)' })).toBe(45);
    expect(progressPercent({ name: 'a', stage: 'creating', detail: 'Retrieving image' })).toBeNull();
  });
});

describe('progress notes', () => {
  it('is a note when a ready agent comes with something to say', () => {
    expect(isNote({ name: 'a', stage: 'ready', detail: 'Running' })).toBe(false);
    expect(isNote({ name: 'a', stage: 'ready', detail: '' })).toBe(false);
    expect(isNote({ name: 'a', stage: 'ready', detail: 'Running, but its tmux session did not start (exit 1).' })).toBe(true);
    expect(isNote({ name: 'a', stage: 'ready', detail: 'Running', agentOutput: 'x' })).toBe(true);
    expect(isNote({ name: 'a', stage: 'starting', detail: 'Starting the container' })).toBe(false);
  });
});
