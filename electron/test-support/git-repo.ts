import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Git as tests run it on the host: no user or system config, a fixed identity. */
export function git(dir: string, args: string[], input?: string | Buffer): string {
  return execFileSync('git', args, {
    cwd: dir,
    input,
    maxBuffer: 256 * 1024 * 1024,
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
    },
  }).toString('utf8');
}

/** A new git repository in a temporary folder with `files` committed on main; returns its path. */
export function makeRepo(files: Record<string, string | Buffer>, opts: { prefix?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), opts.prefix ?? 'enclave-repo-'));
  git(dir, ['init', '-q', '-b', 'main']);
  writeFiles(dir, files);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'initial', '--allow-empty']);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}
