// The edge functions are Deno code outside the Node TypeScript project; type-check them with Deno
// itself, using the same deno.json hosted Supabase bundles them with.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS_DIR, functionNames } from '../../devstack/supabase/functionsRuntime';

const run = promisify(execFile);
const deno = path.resolve(FUNCTIONS_DIR, '../../node_modules/.bin/deno');

describe('edge functions under Deno', () => {
  it('type-check with deno check', async () => {
    const files = functionNames().map((name) => path.join(FUNCTIONS_DIR, name, 'index.ts'));
    expect(files.length).toBe(5);
    const { stderr } = await run(deno, ['check', '--quiet', `--config=${path.join(FUNCTIONS_DIR, 'deno.json')}`, ...files], {
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
    });
    expect(stderr).not.toMatch(/error/i);
  }, 120_000);
});
