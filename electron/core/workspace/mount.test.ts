import { describe, expect, it } from 'vitest';
import { nestedMountProblem } from './mount.js';

describe('nestedMountProblem', () => {
  const others = [{ agent: 'a', source: '/home/ann/code' }];

  it('allows the same folder and folders beside it', () => {
    expect(nestedMountProblem('/home/ann/code', others)).toBeNull();
    expect(nestedMountProblem('/home/ann/code2', others)).toBeNull();
    expect(nestedMountProblem('/home/ann/cod', others)).toBeNull();
  });

  it('refuses a folder inside or above another agent’s', () => {
    expect(nestedMountProblem('/home/ann/code/shop', others)).toMatch(/^\/home\/ann\/code\/shop is inside \/home\/ann\/code, which a mounts/);
    expect(nestedMountProblem('/home/ann', others)).toMatch(/^\/home\/ann is above \/home\/ann\/code, which a mounts/);
  });
});
