import { describe, expect, it } from 'vitest';
import { restartsOnRestore, workspaceRestoreNote } from './restore.js';

describe('workspaceRestoreNote', () => {
  it('says a mounted folder is not rolled back, naming it', () => {
    expect(workspaceRestoreNote({ mode: 'mount', source: '/home/ann/shop' })).toBe(
      '/workspace is your folder /home/ann/shop, mounted live: a rollback does not roll it back.',
    );
  });

  it('says a copy rolls back with the agent', () => {
    expect(workspaceRestoreNote({ mode: 'copy', source: '/home/ann/shop' })).toMatch(/restores its code too/);
  });

  it('says nothing without a workspace', () => {
    expect(workspaceRestoreNote(null)).toBeNull();
  });
});

describe('restartsOnRestore', () => {
  it('restarts what runs or is frozen, leaves a stopped agent stopped', () => {
    expect(restartsOnRestore('Running')).toBe(true);
    expect(restartsOnRestore('Frozen')).toBe(true);
    expect(restartsOnRestore('Stopped')).toBe(false);
  });
});
