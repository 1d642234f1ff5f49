import { describe, expect, it } from 'vitest';
import { operationProgressText } from './progress.js';

describe('operationProgressText', () => {
  it('returns null without progress', () => {
    expect(operationProgressText(null)).toBeNull();
    expect(operationProgressText({})).toBeNull();
    expect(operationProgressText({ fingerprint: 'abc', progress: { percent: '10' } })).toBeNull();
  });

  it('labels unpack progress and drops Incus own prefix', () => {
    expect(operationProgressText({ create_instance_from_image_unpack_progress: 'Unpack: 45% (12.3MB/s)' })).toBe(
      'Unpacking image: 45% (12.3MB/s)',
    );
    expect(operationProgressText({ create_instance_from_image_unpack_progress: 'Unpacking 45%' })).toBe(
      'Unpacking image: 45%',
    );
    expect(operationProgressText({ create_instance_from_image_unpack_progress: '45%' })).toBe('Unpacking image: 45%');
  });

  it('labels download progress', () => {
    expect(operationProgressText({ download_progress: 'rootfs: 45% (12.3MB/s)' })).toBe(
      'Downloading image: rootfs: 45% (12.3MB/s)',
    );
  });

  it('passes other progress text through', () => {
    expect(operationProgressText({ fs_progress: 'coder: 120MB (40MB/s)' })).toBe('coder: 120MB (40MB/s)');
  });

  it('skips non-string and empty values', () => {
    expect(operationProgressText({ download_progress: '', other_progress: 42, fs_progress: 'x' })).toBe('x');
    expect(operationProgressText({ download_progress: null, fs_progress: undefined })).toBeNull();
  });
});
