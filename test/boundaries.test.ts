import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/paths';

/**
 * The process boundaries are kept by ESLint (eslint.config.mjs). These cases prove the rules bite:
 * each forbidden import is reported, each allowed one is not.
 */
const eslint = new ESLint({ cwd: ROOT });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('process boundaries', () => {
  it.each([
    ['renderer/Bad.tsx', "import { ipcRenderer } from 'electron';"],
    ['renderer/Bad.tsx', "import { readFileSync } from 'node:fs';"],
    ['renderer/Bad.tsx', "import path from 'path';"],
    ['renderer/Bad.tsx', "import { createStation } from '../electron/station';"],
    ['preload/bad.ts', "import { shell } from 'electron';"],
    ['preload/bad.ts', "import { readFileSync } from 'node:fs';"],
    ['preload/bad.ts', "import { z } from 'zod';"],
    ['contracts/bad.ts', "import { readFileSync } from 'node:fs';"],
    ['contracts/bad.ts', "import { app } from 'electron';"],
    ['contracts/bad.ts', "import { IpcRouter } from '../electron/ipc/router';"],
    ['electron/services/bad.ts', "import { app } from 'electron';"],
  ])('%s may not %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport {};\n`)).not.toEqual([]);
  });

  it.each([
    ['renderer/Good.tsx', "import type { StationApi } from '@interview-station/contracts';"],
    ['preload/good.ts', "import { contextBridge, ipcRenderer } from 'electron';"],
    ['preload/good.ts', "import { createStationApi } from '@interview-station/contracts';"],
    ['contracts/good.ts', "import { z } from 'zod';\nimport { LIMITS } from './common';"],
    ['electron/adapters/good.ts', "import { app } from 'electron';"],
    ['electron/services/good.ts', "import path from 'node:path';"],
  ])('%s may %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport {};\n`)).toEqual([]);
  });
});
