import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type RealtimeSessionEndResponse,
  RealtimeSessionRequestSchema,
  type RealtimeSessionResponse,
  RealtimeSessionResponseSchema,
  type SessionJwtClaims,
  StationFailure,
  UuidSchema,
  parseContract,
} from '@interview-station/contracts';
import { type SessionTokenVerifier, assertPermission, assertSession, bearerToken } from '../auth';
import { ForeignSessionFailure, MethodNotAllowedFailure, httpStatusFor } from '../errors';
import type { IceServer } from '@interview-station/contracts';
import type { Fleet } from '../fleet/fleet';
import type { IsolationStrategy } from '../isolation/strategy';
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';
import type { Limiter } from '../rateLimit';
import type { SessionRegistry } from '../sessions';
import { type SessionSettingsSource, assertArchitecture } from '../sessionSettings';
import type { RealtimeUpstream } from '../upstream/openai';
import { discardBody, readJson, replayRequest, replayedByFly, sendFailure, sendJson } from './respond';
import { decodeSegment, parseTarget } from './target';

export interface ApiDeps {
  /** This machine's part in the fleet: a session's end is served by its owner. */
  readonly fleet: Fleet | null;
  readonly verifier: SessionTokenVerifier;
  readonly registry: SessionRegistry;
  readonly settings: SessionSettingsSource;
  readonly upstream: RealtimeUpstream;
  readonly isolation: IsolationStrategy;
  readonly limits: Limiter;
  readonly metrics: ServiceMetrics;
  readonly log: Logger;
  readonly iceServers: readonly IceServer[];
  /** The front door's SDP proxy URL (`websocketUrl` in the contract's mint response). */
  readonly websocketUrl: () => string;
  readonly ephemeralKeySeconds: number;
  readonly sessionOnly?: string;
  /** On a Fly session machine, other sessions' requests get `fly-replay: elsewhere=true`. */
  readonly replayElsewhere: boolean;
  readonly isDraining: () => boolean;
  readonly isReady: () => Promise<boolean>;
  /** `/metrics` on the public port too: only with the explicit METRICS_PUBLIC=true. */
  readonly publicMetrics: boolean;
}

/** `GET /metrics` in Prometheus' text format. */
export async function sendMetrics(metrics: ServiceMetrics, res: ServerResponse): Promise<void> {
  const text = await metrics.registry.metrics();
  res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }).end(text);
}

const END_PATH = /^\/api\/realtime\/sessions\/([^/]{1,200})\/end$/;

/**
 * The HTTP API: health, readiness, metrics, mint and end. Every request gets an answer: a route's
 * own, or a StationError with the contracts' status for its code (a malformed target is
 * VALIDATION_FAILED, an unknown route NOT_FOUND, a wrong method METHOD_NOT_ALLOWED).
 */
export function createApi(deps: ApiDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    await guarded(deps, req, res, async () => {
      const { path } = parseTarget(req.url);
      if (path === '/healthz') {
        allow(req, 'GET');
        return sendJson(res, 200, { status: 'ok' });
      }
      if (path === '/readyz') {
        allow(req, 'GET');
        const ready = !deps.isDraining() && (await deps.isReady());
        // Not ready is UPSTREAM_UNAVAILABLE's status in the contracts' table (503).
        return sendJson(res, ready ? 200 : httpStatusFor('UPSTREAM_UNAVAILABLE'), { status: ready ? 'ready' : deps.isDraining() ? 'draining' : 'upstream unreachable' });
      }
      if (path === '/metrics' && deps.publicMetrics) {
        allow(req, 'GET');
        return sendMetrics(deps.metrics, res);
      }
      if (path === '/api/realtime/sessions') {
        allow(req, 'POST');
        assertAccepting(deps);
        return mint(deps, req, res);
      }
      const end = END_PATH.exec(path);
      if (end) {
        allow(req, 'POST');
        assertAccepting(deps);
        return endSession(deps, req, res, decodeSegment(end[1] ?? '', 'sessionId'));
      }
      throw StationFailure.of('NOT_FOUND', 'no such route');
    });
  };
}

function allow(req: IncomingMessage, method: string): void {
  if (req.method !== method && !(method === 'GET' && req.method === 'HEAD')) throw new MethodNotAllowedFailure([method]);
}

function assertAccepting(deps: ApiDeps): void {
  if (deps.isDraining()) throw StationFailure.of('UPSTREAM_UNAVAILABLE', 'the token service is shutting down; try again');
}

/** Runs a route; a refusal is answered, counted and logged at info (only INTERNAL is an error). */
async function guarded(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    await discardBody(req);
    const body = sendFailure(res, error);
    deps.metrics.refusals.inc({ code: body.code });
    deps.log.info({ code: body.code }, 'request refused');
    if (body.code === 'INTERNAL') deps.log.error({ err: (error as Error).message }, 'request failed');
  }
}

async function authenticate(deps: ApiDeps, req: IncomingMessage): Promise<{ claims: SessionJwtClaims; token: string }> {
  const token = bearerToken(req);
  if (!token) throw StationFailure.of('AUTHENTICATION_FAILED', 'missing bearer token');
  const claims = await deps.verifier.verify(token);
  if (deps.sessionOnly && deps.sessionOnly !== claims.session_id) throw new ForeignSessionFailure(deps.replayElsewhere);
  return { claims, token };
}

/**
 * `POST /api/realtime/sessions`: every check first, then (and only then) one call upstream. Keys
 * are minted only for a session whose row says `direct`, one per connection attempt (a burst of
 * twelve, the station's own bound a minute, then one per 5 s); a hybrid session's renderer holds no credential at all. A direct
 * session needs no per-session instance: the renderer talks to OpenAI itself.
 */
async function mint(deps: ApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { claims } = await authenticate(deps, req);
  assertPermission(claims, 'realtime:connect');
  const body = parseContract(RealtimeSessionRequestSchema, await readJson(req, 4096), 'request body');
  if (!body.ok) throw new StationFailure(body.error);
  assertSession(claims, body.value.sessionId);
  deps.registry.assertOpen(claims.session_id);
  await deps.limits.checkMint(claims.tenant_id, claims.session_id);
  const settings = await deps.settings.settingsFor(claims);
  assertArchitecture(settings, 'direct', 'an ephemeral key');
  const websocketUrl = deps.websocketUrl();
  const stop = deps.metrics.mintSeconds.startTimer();
  const secret = await deps.upstream.mintClientSecret(settings, deps.ephemeralKeySeconds);
  stop();
  const response: RealtimeSessionResponse = {
    clientSecret: secret.value,
    expiresAt: new Date(secret.expiresAt * 1000).toISOString(),
    model: settings.model,
    callsUrl: deps.upstream.callsUrl,
    iceServers: [...deps.iceServers],
    websocketUrl,
  };
  const checked = parseContract(RealtimeSessionResponseSchema, response, 'response');
  if (!checked.ok) throw StationFailure.of('TOKEN_MINT_FAILED', 'the minted key did not match the contract');
  deps.log.info({ sessionId: claims.session_id, tenantId: claims.tenant_id }, 'ephemeral key minted');
  sendJson(res, 200, checked.value);
}

/** `POST /api/realtime/sessions/{id}/end`: idempotent; hangs up, closes the sideband, frees the session. */
async function endSession(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, sessionId: string): Promise<void> {
  const { claims } = await authenticate(deps, req);
  assertPermission(claims, 'session:end');
  if (!UuidSchema.safeParse(sessionId).success) throw StationFailure.of('VALIDATION_FAILED', 'sessionId: not a UUID', 'sessionId');
  assertSession(claims, sessionId);
  if (deps.fleet) {
    // Its owner hangs the call up; a session nobody owns (ended, or never connected) ends here.
    const owned = await deps.fleet.route(claims, replayedByFly(req));
    if (owned.kind === 'replay') {
      await discardBody(req);
      return replayRequest(res, owned.owner);
    }
  }
  const route = await deps.isolation.routeEnd(claims, req, res);
  if (route.kind === 'handled') {
    // Remembered here too, so this front door mints nothing more for the session.
    await deps.registry.end(sessionId, 'ended_by_client');
    return;
  }
  const { alreadyEnded } = await deps.registry.end(sessionId, 'ended_by_client');
  const body: RealtimeSessionEndResponse = { sessionId, ended: true, alreadyEnded };
  deps.log.info({ sessionId, tenantId: claims.tenant_id, alreadyEnded }, 'session end requested');
  sendJson(res, 200, body);
}
