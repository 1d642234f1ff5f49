import { describe, expect, it } from 'vitest';
import type { ImageBuild } from '../../../shared/types.js';
import { imageBuild } from '../test-support/image-build.js';
import { appendLog, imageTitle, isEnded, mergeBuild, pieces, usageText } from './image-builds.js';

const build = imageBuild;

describe('image builds in the window', () => {
  it('appends log text and keeps the end, from a whole line', () => {
    expect(appendLog('ab', 'cd', 10)).toBe('abcd');
    expect(appendLog('line one\nline two\n', 'three\n', 12)).toBe('three\n');
  });

  it('keeps the log it has when a pushed state carries none', () => {
    expect(mergeBuild(build({ log: 'kept' }), build({ state: 'done' }))).toMatchObject({ state: 'done', log: 'kept' });
    expect(mergeBuild(build({ log: 'old' }), build({ log: 'full' })).log).toBe('full');
    expect(mergeBuild(undefined, build()).log).toBe('');
  });

  it('knows which states are the end', () => {
    expect(['starting', 'running', 'publishing', 'done', 'failed', 'cancelled'].map((state) => isEnded({ state: state as ImageBuild['state'] }))).toEqual([false, false, false, true, true, true]);
  });

  it('names images and their users', () => {
    expect(imageTitle({ aliases: ['a', 'b'], fingerprint: 'f' })).toBe('a, b');
    expect(imageTitle({ aliases: [], fingerprint: '0123456789abcdef' })).toBe('0123456789ab');
    expect(usageText({ usedBy: [], usedElsewhere: 0 })).toBe('No agent uses it');
    expect(usageText({ usedBy: ['c-1', 'c-2'], usedElsewhere: 1 })).toBe('c-1, c-2; 1 instance in other projects');
  });

  it('cuts an upload into pieces that cover it exactly', () => {
    expect(pieces(10, 4)).toEqual([
      { offset: 0, end: 4 },
      { offset: 4, end: 8 },
      { offset: 8, end: 10 },
    ]);
    expect(pieces(0, 4)).toEqual([]);
  });
});
