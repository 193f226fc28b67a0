// The edge functions are Deno code outside the Node TypeScript project; type-check them with Deno
// itself, using the same deno.json and frozen lockfile hosted Supabase bundles them with, from the
// cache bootstrap filled (nothing is downloaded here).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DENO_BIN, denoEnv, FUNCTIONS_CONFIG, functionEntryPoints, functionNames } from '../../devstack/supabase/deno';

const run = promisify(execFile);

describe('edge functions under Deno', () => {
  it('type-check with deno check', async () => {
    const files = functionEntryPoints(functionNames());
    expect(files.length).toBe(5);
    const { stderr } = await run(DENO_BIN, ['check', '--quiet', '--frozen', `--config=${FUNCTIONS_CONFIG}`, ...files], { env: denoEnv() });
    expect(stderr).not.toMatch(/error/i);
  }, 120_000);
});
