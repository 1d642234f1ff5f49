import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { EnclaveError } from '../../../shared/errors.js';

const ERRNO_WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'an input/output error',
};

/** A failure to reach the user's folder, in plain words with the path and the errno. */
export function folderError(path: string, err: unknown): EnclaveError {
  const code = (err as NodeJS.ErrnoException | null)?.code ?? '';
  if (code === 'ENOENT') return new EnclaveError('not-found', `There is no folder at ${path}: it does not exist (ENOENT).`);
  if (code === 'ENOTDIR') return new EnclaveError('invalid-arguments', `${path} is not a folder: a part of that path is a file (ENOTDIR).`);
  const words = ERRNO_WORDS[code];
  if (words) return new EnclaveError('invalid-arguments', `Enclave cannot read ${path}: ${words} (${code}).`);
  return new EnclaveError('invalid-arguments', `Enclave cannot read ${path}: ${err instanceof Error ? err.message : String(err)}.`);
}

/** The folder, resolved (the user's own symlinks followed), checked to be a readable directory. */
export async function resolveFolder(path: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(path);
    const s = await stat(real);
    if (!s.isDirectory()) throw new EnclaveError('invalid-arguments', `${path} is a file, not a folder: choose the folder of your project.`);
    await access(real, constants.R_OK | constants.X_OK);
  } catch (err) {
    if (err instanceof EnclaveError) throw err;
    throw folderError(path, err);
  }
  return real;
}
