import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, SEED_PASSWORD } from '../../devstack/supabase/seedUsers';
import { ELECTRON_SKIP, launchStation, named, type LaunchedStation } from '../support/electronApp';
import { ROOT } from '../support/paths';

/** devstack/stack.ts's start, loaded by path: its Node-only sources are not type-checked with the DOM library of these tests. */
interface RunningStack {
  readonly info: Record<string, unknown>;
  stop(): Promise<void>;
}
type StartStack = (components: undefined, options: { temp: boolean }) => Promise<RunningStack>;
async function startLocalStack(): Promise<RunningStack> {
  const module = (await import(path.join(ROOT, 'devstack', 'stack.ts'))) as { startStack: StartStack };
  return module.startStack(undefined, { temp: true });
}

/**
 * Sign-in and a short interview in the Electron app against the whole local stack (Postgres, auth,
 * edge functions, Realtime simulator, token service), with Chromium's fake microphone. Skipped,
 * saying so, where the Electron binary is not installed.
 */
describe.skipIf(ELECTRON_SKIP !== undefined)('Electron app: sign-in and an interview against the local stack', () => {
  let stack: RunningStack;
  let station: LaunchedStation;

  beforeAll(async () => {
    stack = await startLocalStack();
    station = await launchStation({
      env: {
        STATION_SUPABASE_URL: String(stack.info['supabaseUrl']),
        STATION_SUPABASE_ANON_KEY: String(stack.info['anonKey']),
        STATION_TOKEN_SERVICE_URL: String(stack.info['tokenServiceUrl']),
        STATION_ID: SEED.acme.stationId,
      },
    });
  }, 180_000);

  afterAll(async () => {
    await station?.close();
    await stack?.stop();
  });

  it(named('a proctor signs in; the page holds no token'), async () => {
    const page = station.window;
    await page.getByLabel('Email').fill('proctor@acme.test');
    await page.getByLabel('Password').fill(SEED_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('signed-in-as').textContent()).toBe('Signed in as proctor@acme.test (proctor)');
    const seenByPage = await page.evaluate(async () => JSON.stringify(await window.station.auth.state()) + JSON.stringify(localStorage) + document.cookie);
    expect(seenByPage).not.toMatch(/eyJ|refresh_token|access_token/);
  });

  it(named('runs a short interview: check-in, device check, live, end'), async () => {
    const page = station.window;
    await page.getByLabel('Candidate reference').fill('cand-electron-1');
    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Start interview' }).click({ timeout: 30_000 });
    await page.getByRole('button', { name: 'End interview' }).waitFor({ timeout: 30_000 });
    await page.waitForTimeout(3_000);
    await page.getByRole('button', { name: 'End interview' }).click();
    await page.getByRole('button', { name: 'End now' }).click();
    await page.getByRole('heading', { name: 'Interview ended' }).waitFor({ timeout: 30_000 });
  });
});
