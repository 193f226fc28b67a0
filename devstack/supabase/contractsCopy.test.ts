import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACTS_COPY_DIR, renderContractsCopy } from './contractsCopy';

describe('the contracts copy the edge functions deploy with', () => {
  it('matches contracts/ (run `npm run supabase:contracts` after changing a contract)', async () => {
    for (const [name, expected] of await renderContractsCopy()) {
      const actual = await readFile(path.join(CONTRACTS_COPY_DIR, name), 'utf8').catch(() => '(missing)');
      expect(actual, `supabase/functions/_shared/contracts/${name} is stale`).toBe(expected);
    }
  });

  it('imports only zod and its own files, with explicit .ts extensions Deno needs', async () => {
    for (const text of (await renderContractsCopy()).values()) {
      const specifiers = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
      for (const specifier of specifiers) expect(specifier).toMatch(/^(zod|\.\/[A-Za-z]+\.ts)$/);
    }
  });
});
