import { describe, expect, it } from 'vitest';
import { progressPercent, progressText } from './progress.js';

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
