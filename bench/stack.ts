// The local stack the database-backed figures share in one run: Postgres, the auth stand-in and
// the real edge functions under Deno (devstack/supabase), the Realtime simulator and the token
// service reading session settings from Postgres, as `npm run stack` wires them. Started once, on
// first use, and stopped by the runner at the end.
//
// Limits raised for the bench (and only here): interview-start's per-proctor and per-tenant rate
// limits, and the token service's per-tenant request rate, so that "1,000 interviews started at
// once" by one proctor measures the start path, not the limiters that would refuse it by design.
import { InterviewStartRequestSchema, edgeFunctionUrl } from '../contracts';
import { SEED, SEED_PASSWORD } from '../devstack/supabase/seedUsers';
import { startSupabaseStack, type SupabaseStack } from '../devstack/supabase/supabaseStack';
import { startRealtimeSimulator, type RealtimeSimulatorHandle } from '../devstack/realtime/index';
import { freePort } from '../devstack/supabase/freePort';
import { loadConfig } from '../proxy-service/src/config';
import { createLogger } from '../proxy-service/src/logger';
import { startTokenService, type TokenService } from '../proxy-service/src/server';
import { signedIn } from '../supabase/tests/support/clients';

export const BENCH_FUNCTION_ENV = {
  INTERVIEW_START_PER_USER: '100000',
  INTERVIEW_START_PER_TENANT: '100000',
  INTERVIEW_START_WINDOW_SECONDS: '60',
} as const;

export interface BenchStack {
  readonly supabase: SupabaseStack;
  readonly simulator: RealtimeSimulatorHandle;
  readonly tokenService: TokenService;
  /** The seeded Acme proctor's access token. */
  readonly proctorToken: string;
  /** POST interview-start as the proctor; the session id and token, or the HTTP failure. */
  startInterview(architecture: 'direct' | 'hybrid'): Promise<{ status: number; sessionId?: string; sessionToken?: string; tokenServiceUrl?: string; code?: string }>;
}

let started: Promise<BenchStack> | null = null;
let stops: (() => Promise<void>)[] = [];

/** The request body interview-start takes in this tree (a consent record once the contract asks for one). */
export function startBody(architecture: 'direct' | 'hybrid'): Record<string, unknown> {
  const body: Record<string, unknown> = { companyId: SEED.acme.companyId, templateId: SEED.acme.templateId, stationId: SEED.acme.stationId, candidateRef: 'bench', architecture };
  if ('consent' in InterviewStartRequestSchema.shape) body['consent'] = { noticeVersion: '2026-12-v1', acceptedAt: new Date().toISOString() };
  return body;
}

export function benchStack(): Promise<BenchStack> {
  started ??= (async () => {
    const tokenPort = await freePort();
    const supabase = await startSupabaseStack({ tokenServiceUrl: `http://127.0.0.1:${tokenPort}`, functionEnv: { ...BENCH_FUNCTION_ENV } });
    stops.push(() => supabase.stop());
    // demo: its page and /token helper are the bare Chromium ↔ simulator baseline (bench/figures/interview.ts).
    const simulator = await startRealtimeSimulator({ demo: true });
    stops.push(() => simulator.close());
    const tokenService = await startTokenService(
      loadConfig({
        HOST: '127.0.0.1',
        PORT: String(tokenPort),
        LOG_LEVEL: 'silent',
        OPENAI_API_KEY: simulator.apiKey,
        OPENAI_BASE_URL: simulator.url,
        SESSION_JWT_SECRET: supabase.sessionJwtSecret,
        SUPABASE_URL: supabase.supabaseUrl,
        SUPABASE_ANON_KEY: supabase.anonKey,
        DATABASE_URL: supabase.dbUrl,
        RATE_TENANT_PER_MINUTE: '100000',
      }),
      { log: createLogger({ level: 'silent', secrets: [] }), defaultMetrics: false },
    );
    stops.push(() => tokenService.close());
    const proctor = await signedIn(supabase.supabaseUrl, supabase.anonKey, 'proctor@acme.test', SEED_PASSWORD);
    const proctorToken = (await proctor.auth.getSession()).data.session?.access_token ?? '';
    const startUrl = edgeFunctionUrl(supabase.supabaseUrl, 'interview-start');
    return {
      supabase,
      simulator,
      tokenService,
      proctorToken,
      async startInterview(architecture) {
        const res = await fetch(startUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${proctorToken}`, apikey: supabase.anonKey },
          body: JSON.stringify(startBody(architecture)),
        });
        const body = (await res.json().catch(() => ({}))) as { sessionId?: string; sessionToken?: string; webrtcConfig?: { tokenServiceUrl?: string }; code?: string; error?: { code?: string } };
        return { status: res.status, sessionId: body.sessionId, sessionToken: body.sessionToken, tokenServiceUrl: body.webrtcConfig?.tokenServiceUrl, code: body.code ?? body.error?.code };
      },
    };
  })();
  return started;
}

export async function stopBenchStack(): Promise<void> {
  const all = stops.reverse();
  stops = [];
  started = null;
  for (const stop of all) await stop().catch(() => undefined);
}
