// interview-start: a proctor starts an interview on one of their tenant's stations. Creates the
// interview_sessions row under RLS and returns the session JWT and WebRTC configuration the
// station needs to reach the token service.
import { InterviewStartRequestSchema, InterviewStartResponseSchema, type InterviewStartResponse } from '../_shared/contracts/edge.ts';
import { asCaller, requireProctor } from '../_shared/db.ts';
import { defineFunction } from '../_shared/handler.ts';
import { HttpError } from '../_shared/http.ts';
import { touchStation } from '../_shared/serviceRole.ts';
import { mintSessionJwt } from '../_shared/sessionJwt.ts';

interface TemplateRow {
  company_id: string | null;
  model: string;
  voice: string;
  instructions: string;
  language: string | null;
  max_duration_seconds: number;
}

/** `http(s)://host/base` → `ws(s)://host/base/ws`. */
function sdpProxyUrl(tokenServiceUrl: string): string {
  const url = new URL(tokenServiceUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/$/, '')}/ws`;
  return url.toString();
}

const handler = defineFunction({
  name: 'interview-start',
  request: InterviewStartRequestSchema,
  maxBodyBytes: 16 * 1024,
  async handle({ caller, body, env }): Promise<InterviewStartResponse> {
    const tenantId = caller.tenantId;
    if (!tenantId) throw HttpError.of('NOT_AUTHORIZED', 'your account is not assigned to a tenant');
    // Counted in its own committed transaction, so refused and failed attempts count too, and in
    // Postgres, so the limit holds across every instance of the function.
    const { perUser, perTenant, windowSeconds } = env.startLimits;
    const wait = await asCaller(env, caller, async (tx) => {
      const [row] = await tx<{ wait: number }[]>`select app.take_interview_start(${perUser}, ${perTenant}, ${windowSeconds}) as wait`;
      return row?.wait ?? 0;
    });
    if (wait > 0) throw HttpError.rateLimited(`too many interviews started; try again in ${wait} s`, wait);
    const result = await asCaller(env, caller, async (tx) => {
      // Each lookup runs under RLS: another tenant's rows are simply not there (404).
      await requireProctor(tx, 'starts interviews');
      const [station] = await tx<{ disabled: boolean }[]>`
        select disabled_at is not null as disabled from public.stations where id = ${body.stationId}`;
      if (!station) throw HttpError.of('NOT_FOUND', 'stationId: no such station in your tenant', 'stationId');
      if (station.disabled) throw HttpError.of('CONFLICT', 'stationId: the station is disabled', 'stationId');
      const [company] = await tx`select 1 from public.companies where id = ${body.companyId}`;
      if (!company) throw HttpError.of('NOT_FOUND', 'companyId: no such company in your tenant', 'companyId');
      const [template] = await tx<TemplateRow[]>`
        select company_id, model, voice, instructions, language, max_duration_seconds
        from public.interview_templates where id = ${body.templateId}`;
      if (!template) throw HttpError.of('NOT_FOUND', 'templateId: no such interview template in your tenant', 'templateId');
      if (template.company_id !== null && template.company_id !== body.companyId) {
        throw HttpError.of('VALIDATION_FAILED', 'templateId: the template belongs to another company', 'templateId');
      }
      // Sessions are created only through this database function (users may not insert them): it
      // checks the caller again and records the template's configuration in session_data, so
      // later template edits do not rewrite history. The candidate's consent is recorded with it.
      const [session] = await tx<{ id: string; created_at: Date }[]>`
        select id, created_at from app.create_interview_session(
          ${body.companyId}, ${body.templateId}, ${body.stationId}, ${body.candidateRef}, ${body.architecture},
          ${tx.json(body.metadata ?? {})}, ${body.consent.noticeVersion}, ${body.consent.acceptedAt})`;
      if (!session) throw new Error('insert returned no row');
      // Minted inside the transaction: if signing fails, no orphan session is left behind.
      // The JWT lives as long as the interview may, plus a margin (not a fixed hour): issue 14.
      const jwt = await mintSessionJwt(env.sessionJwtSecret, { sub: caller.userId, tenantId, sessionId: session.id }, undefined, template.max_duration_seconds);
      return { session, template, jwt };
    });
    await touchStation(env, body.stationId);
    const { session, template, jwt } = result;
    return InterviewStartResponseSchema.parse({
      sessionId: session.id,
      sessionToken: jwt.token,
      webrtcConfig: {
        architecture: body.architecture,
        tokenServiceUrl: env.tokenServiceUrl,
        // The SDP proxy socket (hybrid); per-session isolation behind it is the token service's concern.
        websocketUrl: sdpProxyUrl(env.tokenServiceUrl),
        model: template.model,
        voice: template.voice,
        instructions: template.instructions,
        ...(template.language ? { language: template.language } : {}),
        iceServers: env.iceServers,
        maxDurationSeconds: template.max_duration_seconds,
      },
      metadata: { createdAt: session.created_at.toISOString(), expiresAt: new Date(jwt.expiresAt * 1000).toISOString() },
    });
  },
});

Deno.serve(handler);
