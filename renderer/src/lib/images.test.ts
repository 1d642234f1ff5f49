import { describe, expect, it } from 'vitest';
import type { ImageInfo } from '../../../shared/types.js';
import { defaultImage, imageChoices } from './images.js';

function image(fingerprint: string, aliases: string[], description = ''): ImageInfo {
  return { fingerprint, aliases, description, architecture: 'x86_64', sizeBytes: 1, uploadedAt: '2025-01-01T00:00:00Z', version: null, usedBy: [], usedElsewhere: 0 };
}

describe('image choices', () => {
  it('names an image by its first alias, else by description, and selects by alias else fingerprint', () => {
    expect(imageChoices([image('abc123', ['debian', 'deb']), image('def456', [], 'Ubuntu noble')])).toEqual([
      { value: 'debian', label: 'debian' },
      { value: 'def456', label: 'Ubuntu noble' },
    ]);
  });

  it('prefers the enclave-agent image, whatever its position', () => {
    expect(defaultImage([image('a', ['debian']), image('b', ['x', 'enclave-agent'])])).toBe('enclave-agent');
    expect(defaultImage([image('a', [], 'plain')])).toBe('a');
    expect(defaultImage([])).toBe('');
  });
});
