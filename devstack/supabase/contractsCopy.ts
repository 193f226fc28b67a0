import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The edge functions use the same zod contracts as the app, but Deno needs explicit `.ts`
 * extensions and a deployed function may only import files under `supabase/functions/`. So the
 * contract files the functions need are copied into `supabase/functions/_shared/contracts/` with
 * their relative imports spelled `./x.ts`; `zod` resolves through `supabase/functions/deno.json`.
 * The copy is committed (it is what gets deployed) and a test fails when it is stale.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
export const CONTRACTS_SOURCE_DIR = path.join(root, 'contracts');
export const CONTRACTS_COPY_DIR = path.join(root, 'supabase/functions/_shared/contracts');

/** The contract files the functions import, directly or through each other. */
export const COPIED_CONTRACTS = ['common.ts', 'edge.ts', 'errors.ts', 'jwt.ts', 'transcript.ts', 'validate.ts'] as const;

const HEADER = '// GENERATED from contracts/%s by `npm run supabase:contracts`; do not edit.\n';

/** The expected content of every copied file, keyed by file name. */
export async function renderContractsCopy(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of COPIED_CONTRACTS) {
    const source = await readFile(path.join(CONTRACTS_SOURCE_DIR, name), 'utf8');
    const rewritten = source.replace(/(from\s+['"])(\.\/[A-Za-z]+)(['"])/g, (_all, open: string, spec: string, close: string) => {
      const target = `${spec.slice(2)}.ts`;
      if (!(COPIED_CONTRACTS as readonly string[]).includes(target)) {
        throw new Error(`contracts/${name} imports ${spec}, which is not in COPIED_CONTRACTS`);
      }
      return `${open}${spec}.ts${close}`;
    });
    out.set(name, HEADER.replace('%s', name) + rewritten);
  }
  return out;
}

/** Writes the copy; run after changing a contract the functions use. */
export async function writeContractsCopy(): Promise<void> {
  for (const [name, text] of await renderContractsCopy()) await writeFile(path.join(CONTRACTS_COPY_DIR, name), text);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeContractsCopy().then(
    () => console.log(`contracts copied to ${path.relative(root, CONTRACTS_COPY_DIR)}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
