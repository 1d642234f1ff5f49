import { beforeEach, describe, expect, it } from 'vitest';
import type { ImageBuild } from '../../../shared/types.js';
import { imageBuild } from '../test-support/image-build.js';
import { useImageBuilds } from './image-builds.js';

const build = (id: string, over: Partial<ImageBuild> = {}): ImageBuild => imageBuild({ id, builder: 'build-a', ...over });

describe('the builds a window shows', () => {
  beforeEach(() => useImageBuilds.getState().replace([]));

  it('adds pushed log text to the build and keeps it across state changes', () => {
    const s = useImageBuilds.getState();
    s.receive(build('b1'));
    s.log('b1', 'one\n');
    s.log('b1', 'two\n');
    s.receive(build('b1', { state: 'failed' }));
    expect(useImageBuilds.getState().builds.b1).toMatchObject({ state: 'failed', log: 'one\ntwo\n' });
  });

  it('ignores log text of a build it does not know, lists new builds first, and forgets dismissed ones', () => {
    const s = useImageBuilds.getState();
    s.log('nope', 'x');
    expect(useImageBuilds.getState().builds).toEqual({});
    s.receive(build('b1'));
    s.receive(build('b2'));
    expect(useImageBuilds.getState().order).toEqual(['b2', 'b1']);
    s.forget('b2');
    expect(useImageBuilds.getState().order).toEqual(['b1']);
    s.replace([build('x', { startedAt: '2026-01-01T00:00:00Z', log: 'kept' }), build('y', { startedAt: '2026-02-01T00:00:00Z' })]);
    expect(useImageBuilds.getState().order).toEqual(['y', 'x']);
    expect(useImageBuilds.getState().builds.x?.log).toBe('kept');
  });
});
