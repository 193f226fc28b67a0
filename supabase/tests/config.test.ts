// supabase/config.toml must describe every function folder the way it is deployed: with JWT
// verification at the platform and the shared import map that maps `zod`, `postgres` and `jose`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS_DIR, functionNames } from '../../devstack/supabase/functionsRuntime';

describe('supabase/config.toml', () => {
  it('declares every function with verify_jwt, the import map and its entrypoint', async () => {
    const toml = await readFile(path.join(FUNCTIONS_DIR, '..', 'config.toml'), 'utf8');
    const declared = [...toml.matchAll(/^\[functions\.([a-z0-9-]+)\]\n((?:(?!\[).*\n)*)/gm)];
    expect(declared.map((m) => m[1]).sort()).toEqual(functionNames());
    for (const [, name, body] of declared) {
      expect(body).toContain('verify_jwt = true');
      expect(body).toContain('import_map = "./functions/deno.json"');
      expect(body).toContain(`entrypoint = "./functions/${name}/index.ts"`);
    }
  });

  it('maps every bare import of the functions in deno.json to an npm: specifier', async () => {
    const denoJson = JSON.parse(await readFile(path.join(FUNCTIONS_DIR, 'deno.json'), 'utf8')) as { imports: Record<string, string> };
    expect(Object.keys(denoJson.imports).sort()).toEqual(['jose', 'postgres', 'zod']);
    for (const target of Object.values(denoJson.imports)) expect(target).toMatch(/^npm:/);
  });
});
