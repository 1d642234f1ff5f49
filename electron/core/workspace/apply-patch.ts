import { EnclaveError } from '../../../shared/errors.js';
import { hostGit, firstLines } from './host-git.js';

/**
 * The files `git apply --check` names as not applying (LC_ALL=C messages): "error: P: patch
 * does not apply", "error: P: already exists in working directory", "error: P: No such file or
 * directory", "error: affected file 'P' is beyond a symbolic link", …; each once, in order.
 */
export function conflictingFiles(stderr: string, max = 20): { files: string[]; more: number } {
  const seen = new Set<string>();
  for (const line of stderr.split('\n')) {
    const m =
      /^error: (.+): (?:patch does not apply|already exists in working directory|No such file or directory|does not exist in index|does not match index|wrong type|is not empty)$/.exec(line) ??
      /^error: affected file '(.+)' is beyond a symbolic link$/.exec(line) ??
      /^error: (.+): (?:already exists in index|does not exist)$/.exec(line);
    if (m?.[1]) seen.add(m[1].replace(/[\p{Cc}\u2028\u2029]/gu, '?'));
  }
  const all = [...seen];
  return { files: all.slice(0, max), more: Math.max(0, all.length - max) };
}

/**
 * Applies the patch to the user's working tree only (not the index): what the user has staged
 * stays exactly as they staged it, and they review and stage the agent's change themselves.
 * `git apply` is all-or-nothing; it is checked first so a conflict is refused with the files
 * named and nothing written.
 */
export async function applyPatch(source: string, patchFile: string, timeoutMs: number): Promise<void> {
  const found = await hostGit('user', source, ['rev-parse', '--show-toplevel'], { timeoutMs, okCodes: [128] });
  const top = found.stdout.toString('utf8').trim();
  if (found.code !== 0 || !top) {
    throw new EnclaveError('conflict', `${source} has no working tree to apply the change to (${firstLines(found.stderr)}); bring the work back as a branch instead.`);
  }
  const check = await hostGit('user', top, ['apply', '--check', '--whitespace=nowarn', '--', patchFile], { timeoutMs, okCodes: [1, 128] });
  if (check.code !== 0) {
    const { files, more } = conflictingFiles(check.stderr);
    const list = files.length ? `: ${files.join(', ')}${more ? ` and ${more} more` : ''}` : ` (${firstLines(check.stderr)})`;
    throw new EnclaveError('conflict', `The change does not apply to ${top}, which has conflicting changes${list}. Nothing was applied.`);
  }
  const r = await hostGit('user', top, ['apply', '--whitespace=nowarn', '--', patchFile], { timeoutMs, okCodes: [1, 128] });
  if (r.code !== 0) throw new EnclaveError('conflict', `Applying the change to ${top} failed: ${firstLines(r.stderr)}. git apply writes all or nothing: nothing was applied.`);
}
