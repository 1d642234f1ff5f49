/**
 * The repository the workspace benchmarks copy: `files` files of about `totalBytes` in all,
 * most of them source-like text, a twentieth incompressible binary (which carries most of the
 * bytes, as assets and vendored archives do), committed in a few commits and packed, so the
 * object store looks like a real clone's.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../electron/test-support/git-repo.js';

export interface BenchRepo {
  dir: string;
  files: number;
  bytes: number;
}

const WORDS = ['const', 'value', 'return', 'function', 'export', 'import', 'agent', 'workspace', 'if', 'else', 'for', 'of', '=>', '{', '}', '(', ')', ';'];

function textFile(seed: number, size: number): string {
  const out: string[] = [];
  let n = 0;
  let x = seed * 2654435761;
  while (n < size) {
    x = (x * 1103515245 + 12345) >>> 0;
    const line = `${WORDS[x % WORDS.length]} v${x % 997} = ${WORDS[(x >>> 8) % WORDS.length]}(${x % 10007});\n`;
    out.push(line);
    n += line.length;
  }
  return out.join('');
}

export function makeBenchRepo(opts: { files?: number; totalBytes?: number } = {}): BenchRepo {
  const files = opts.files ?? 20_000;
  const totalBytes = opts.totalBytes ?? 300 * 1024 * 1024;
  const dir = mkdtempSync(join(tmpdir(), 'enclave-bench-ws-'));
  git(dir, ['init', '-q', '-b', 'main']);
  const binaries = Math.floor(files / 20);
  const texts = files - binaries;
  const textSize = 4 * 1024;
  const binSize = Math.floor((totalBytes - texts * textSize) / binaries);
  let bytes = 0;
  const commits = 4;
  for (let c = 0; c < commits; c++) {
    for (let i = c; i < files; i += commits) {
      const d = join(dir, `src/m${i % 50}/d${i % 17}`);
      mkdirSync(d, { recursive: true });
      if (i < binaries) {
        const data = randomBytes(binSize);
        writeFileSync(join(d, `asset-${i}.bin`), data);
        bytes += data.length;
      } else {
        const text = textFile(i, textSize);
        writeFileSync(join(d, `file-${i}.ts`), text);
        bytes += text.length;
      }
    }
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', `part ${c + 1}`]);
  }
  git(dir, ['repack', '-adq']);
  git(dir, ['prune-packed']);
  return { dir, files, bytes };
}
