import type { ImageBuild } from '../../../shared/types.js';

/** A running build, for the image-build unit tests; `over` sets what a test cares about. */
export const imageBuild = (over: Partial<ImageBuild> = {}): ImageBuild => ({
  id: 'b1',
  alias: 'a',
  version: '1',
  base: 'enclave-agent',
  installs: [],
  state: 'running',
  stage: '',
  builder: 'build-a-1',
  startedAt: '2026-01-01T00:00:00Z',
  endedAt: null,
  exitCode: null,
  error: null,
  failedLine: null,
  fingerprint: null,
  log: '',
  ...over,
});
