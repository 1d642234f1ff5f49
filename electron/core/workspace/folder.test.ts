import { describe, expect, it } from 'vitest';
import { folderError } from './folder.js';
import { copyTimeoutMs } from './copy-in.js';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('folder errors', () => {
  it('names the path and the errno in plain words', () => {
    expect(folderError('/p', errno('ENOENT'))).toMatchObject({ code: 'not-found', message: 'There is no folder at /p: it does not exist (ENOENT).' });
    expect(folderError('/p', errno('EACCES'))).toMatchObject({ code: 'invalid-arguments', message: 'Enclave cannot read /p: permission denied (EACCES).' });
    expect(folderError('/p', errno('ENOTDIR')).message).toMatch(/a part of that path is a file \(ENOTDIR\)/);
    expect(folderError('/p', errno('ELOOP')).message).toMatch(/too many levels of symbolic links \(ELOOP\)/);
  });
});

describe('copy timeouts', () => {
  it('grow with the size copied', () => {
    expect(copyTimeoutMs(0)).toBe(60_000);
    expect(copyTimeoutMs(300_000_000)).toBe(90_000);
    expect(copyTimeoutMs(3_000_000_000)).toBeGreaterThan(copyTimeoutMs(300_000_000));
  });
});
