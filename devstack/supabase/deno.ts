import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Everything about how the project runs Deno, in one place: the binary, the environment it gets
 * (which certificate authorities it trusts), and fetching the edge functions' pinned dependencies.
 * Every caller (the local stack, the tests, bootstrap) goes through here.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DENO_BIN = path.join(root, 'node_modules', '.bin', 'deno');
export const FUNCTIONS_DIR = path.join(root, 'supabase', 'functions');
export const FUNCTIONS_CONFIG = path.join(FUNCTIONS_DIR, 'deno.json');

/** Variables passed through to Deno: its cache, its proxy settings and the CAs it should trust. */
const PASSED_THROUGH = [
  'HOME',
  'DENO_DIR',
  'XDG_CACHE_HOME',
  'NPM_CONFIG_REGISTRY',
  'DENO_CERT',
  'DENO_TLS_CA_STORE',
  'NODE_EXTRA_CA_CERTS',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
];

/**
 * The environment Deno runs with. Deno trusts only Mozilla's roots by default, so behind a network
 * that inspects TLS with a CA from the OS store it fails with `UnknownIssuer`. Here it trusts the OS
 * store as well, plus the CA file the environment names (`DENO_CERT`, else `SSL_CERT_FILE`); an
 * explicit `DENO_TLS_CA_STORE` wins. Verification is never turned off. Nothing else of the caller's
 * environment (its secrets) is inherited.
 */
export function denoEnv(extra: Record<string, string> = {}, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { PATH: from['PATH'] ?? '', DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  for (const name of PASSED_THROUGH) {
    const value = from[name];
    if (value) env[name] = value;
  }
  env['DENO_TLS_CA_STORE'] ??= 'mozilla,system';
  const caFile = from['SSL_CERT_FILE'];
  if (!env['DENO_CERT'] && caFile) env['DENO_CERT'] = caFile;
  return { ...env, ...extra };
}

/** Every `supabase/functions/<name>/index.ts` (folders starting with `_` are shared code). */
export function functionNames(dir = FUNCTIONS_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('_') && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/** The function entry points (`<name>/index.ts`), for fetching and type-checking. */
export function functionEntryPoints(names: readonly string[]): string[] {
  return names.map((name) => path.join(FUNCTIONS_DIR, name, 'index.ts'));
}

/** A failed Deno fetch, told in one line with what to do. */
export class DenoFetchError extends Error {
  override readonly name = 'DenoFetchError';
}

/**
 * One line out of Deno's stderr: a certificate problem names the variables that fix it, a stale
 * lockfile says how to update it, a missing cache says to run bootstrap; anything else is Deno's
 * own first error line.
 */
export function explainDenoFailure(stderr: string): string {
  if (/UnknownIssuer|invalid peer certificate|certificate/i.test(stderr)) {
    return (
      'Deno does not trust the TLS certificate authority of this network: set DENO_CERT (or SSL_CERT_FILE) ' +
      "to your organisation's CA file in PEM form, e.g. DENO_CERT=/etc/ssl/certs/ca-certificates.crt, and run again"
    );
  }
  if (/lockfile/i.test(stderr)) {
    return 'supabase/functions/deno.lock does not match supabase/functions/deno.json: update it on purpose with `cd supabase/functions && deno install --entrypoint */index.ts`, and commit it';
  }
  if (/--cached-only/.test(stderr)) {
    return `the edge functions' dependencies are not in Deno's cache (DENO_DIR=${process.env['DENO_DIR'] ?? 'default'}): run bash scripts/bootstrap.sh`;
  }
  if (/error sending request|dns error|Connect|timed out/i.test(stderr)) {
    return 'Deno could not reach the npm registry to fetch the edge functions\' dependencies: check the network or HTTPS_PROXY, and run again';
  }
  const first = stderr.split('\n').find((line) => /error/i.test(line)) ?? stderr.trim().split('\n')[0] ?? '';
  return `deno failed: ${first.trim() || 'no output'}`;
}

/**
 * Fetches the dependencies of the given functions into Deno's cache, exactly as pinned by
 * `deno.lock` (frozen: a run that would change the lockfile fails). A no-op when already cached.
 */
export async function fetchFunctionDependencies(names: readonly string[], env: Record<string, string> = denoEnv()): Promise<void> {
  const args = ['install', '--frozen', '--quiet', `--config=${FUNCTIONS_CONFIG}`, '--entrypoint', ...functionEntryPoints(names)];
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn(DENO_BIN, args, { cwd: FUNCTIONS_DIR, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.once('error', (error) => reject(new DenoFetchError(`could not run ${DENO_BIN}: ${error.message} (run bash scripts/bootstrap.sh)`)));
    child.once('exit', (code) => (code === 0 ? resolve('') : resolve(text || `exit code ${code}`)));
  });
  if (stderr) throw new DenoFetchError(explainDenoFailure(stderr));
}

// `node --import tsx devstack/supabase/deno.ts fetch` (bootstrap): fetch every function's
// dependencies now, so neither the tests nor the stack download anything later.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url) && process.argv[2] === 'fetch') {
  fetchFunctionDependencies(functionNames()).then(
    () => console.log(`bootstrap: edge functions' dependencies are in Deno's cache (${process.env['DENO_DIR'] ?? 'default DENO_DIR'})`),
    (error: unknown) => {
      console.error(`bootstrap: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
