import type { WorkspaceInspection } from '../../../shared/workspace.js';

/** A clean git repository as workspace.inspect describes it; `over` sets what a test (or screenshot) cares about. */
export const inspection = (over: Partial<WorkspaceInspection> = {}): WorkspaceInspection => ({
  path: '/home/user/project',
  kind: 'git',
  head: '3f2a9c1d0e4b5a6978877665544332211fedcba0',
  branch: 'main',
  uncommittedFiles: 0,
  sizeBytes: 18 * 1024 * 1024,
  fileCount: 1204,
  notes: [],
  mount: { possible: true },
  tooLarge: null,
  ...over,
});
