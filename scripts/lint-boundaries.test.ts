/**
 * The layer boundaries are lint rules (eslint.config.js); this checks that the rules catch
 * what they are for, on imports written as a careless change would write them.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId?.startsWith('react-hooks/')).map((m) => m.message);
}

describe('layer boundaries', () => {
  it.each([
    ["import { app } from 'electron';"],
    ["import { app } from 'electron/main';"],
    ["import { ipcRenderer } from 'electron/renderer';"],
  ])('only the three Electron files import electron: %s', async (code) => {
    expect(await problems('electron/core/x.ts', `${code}\nvoid app;`)).not.toEqual([]);
    expect(await problems('electron/main.ts', `${code}\nvoid app;`)).toEqual([]);
  });

  it.each([
    ["import { readFile } from 'fs';"],
    ["import { readFile } from 'fs/promises';"],
    ["import { readFile } from 'node:fs';"],
    ["import { Backend } from '../../../../electron/core/backend.js';"],
    ["import { Backend } from '../../electron/core/backend.js';"],
    ["import { app } from 'electron/main';"],
  ])('the renderer imports neither Node nor backend code: %s', async (code) => {
    expect(await problems('renderer/src/components/deep/nested/X.tsx', code)).not.toEqual([]);
  });

  it('the renderer may import shared/ and its own modules', async () => {
    expect(await problems('renderer/src/components/X.tsx', "import { requests } from '../../../shared/api.js';\nimport { enclave } from '../api.js';")).toEqual([]);
  });

  it.each([["import { readFile } from 'node:fs';"], ["import { x } from '../electron/core/x.js';"], ["import { x } from '../renderer/src/x.js';"]])(
    'shared/ stays pure: %s',
    async (code) => {
      expect(await problems('shared/x.ts', code)).not.toEqual([]);
    },
  );

  it('hooks follow the rules of hooks in the renderer', async () => {
    const code = "import { useState } from 'react';\nexport function X({ on }: { on: boolean }) { if (on) { useState(0); } return null; }";
    expect(await problems('renderer/src/components/X.tsx', code)).not.toEqual([]);
  });
});
