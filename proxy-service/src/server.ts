import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { StationFailure } from '@interview-station/contracts';
import { SessionTokenVerifier, assertPermission, upgradeToken } from './auth';
import { type ServiceConfig, isFleetMember, transcriptFunctionUrl } from './config';
import { ForeignSessionFailure } from './errors';
import { Fleet } from './fleet/fleet';
import { PostgresFleetStore } from './fleet/store';
import { createApi, sendMetrics } from './http/api';
import { refuseUpgrade, replayUpgrade, replayedByFly, sendFailure } from './http/respond';
import { parseTarget } from './http/target';
import { createIsolation } from './isolation/create';
import { websocketUrlOf } from './websocketUrl';
import type { InstanceCommand } from './isolation/processIsolation';
import type { IsolationStrategy } from './isolation/strategy';
import { type Logger, createLogger } from './logger';
import { type ServiceMetrics, createMetrics } from './metrics';
import { FleetRateLimits, type Limiter, RateLimits } from './rateLimit';
import { SessionRegistry } from './sessions';
import { FixedSessionSettings, PostgresSessionSettings, type SessionSettingsSource, assertArchitecture } from './sessionSettings';
import { TranscriptForwarder } from './transcripts/forwarder';
import { OpenAIRealtime, type RealtimeUpstream } from './upstream/openai';
import { createHandlers } from './ws/handlers';
import { SdpProxyServer } from './ws/proxyServer';

/** Parts a test or a host may replace; everything else is built from the configuration. */
export interface ServiceOverrides {
  readonly log?: Logger;
  readonly upstream?: RealtimeUpstream;
  /** Wraps the upstream built from the configuration (tests count calls with it). */
  readonly wrapUpstream?: (upstream: RealtimeUpstream) => RealtimeUpstream;
  readonly settings?: SessionSettingsSource;
  readonly isolation?: IsolationStrategy;
  readonly defaultMetrics?: boolean;
  /** For `ISOLATION=process`: how to start a per-session instance, and its environment. */
  readonly instanceCommand?: InstanceCommand;
  readonly env?: Record<string, string | undefined>;
}

/** A running token service. */
export interface TokenService {
  /** `http://host:port` as bound. */
  readonly url: string;
  /** The private metrics listener (`METRICS_PORT`), or null when there is none. */
  readonly metricsUrl: string | null;
  readonly server: Server;
  readonly metrics: ServiceMetrics;
  readonly registry: SessionRegistry;
  readonly isolation: IsolationStrategy;
  readonly log: Logger;
  /** This machine's part in the fleet (null unless on Fly with DATABASE_URL: see src/fleet/). */
  readonly fleet: Fleet | null;
  /** SIGTERM: stop accepting, close sockets with 1001, flush transcripts, close within `graceMs`. */
  drain(graceMs?: number): Promise<void>;
  /** Immediate stop (tests). Hangs nothing up. */
  close(): Promise<void>;
}

const READY_CACHE_MS = 5_000;

/** Builds and starts the token service on `config.HOST:config.PORT`. */
export async function startTokenService(config: ServiceConfig, overrides: ServiceOverrides = {}): Promise<TokenService> {
  const log =
    overrides.log ??
    createLogger({ level: config.LOG_LEVEL, secrets: [config.OPENAI_API_KEY, config.SESSION_JWT_SECRET], base: config.SESSION_ONLY ? { instanceFor: config.SESSION_ONLY } : {} });
  const metrics = createMetrics({ defaultMetrics: overrides.defaultMetrics ?? true });
  const built =
    overrides.upstream ?? new OpenAIRealtime({ baseUrl: config.OPENAI_BASE_URL, apiKey: config.OPENAI_API_KEY, timeoutMs: config.UPSTREAM_TIMEOUT_MS, metrics });
  const upstream = overrides.wrapUpstream ? overrides.wrapUpstream(built) : built;
  const settings =
    overrides.settings ??
    (config.DATABASE_URL
      ? new PostgresSessionSettings(config.DATABASE_URL)
      : new FixedSessionSettings({
          architecture: config.DEFAULT_ARCHITECTURE,
          model: config.DEFAULT_MODEL,
          voice: config.DEFAULT_VOICE,
          instructions: config.DEFAULT_INSTRUCTIONS,
          maxDurationSeconds: config.DEFAULT_MAX_DURATION_SECONDS,
        }));
  const functionUrl = transcriptFunctionUrl(config);
  const forwarder = functionUrl
    ? new TranscriptForwarder({ url: functionUrl, anonKey: config.SUPABASE_ANON_KEY, timeoutMs: config.UPSTREAM_TIMEOUT_MS, log, metrics })
    : null;
  if (!forwarder) log.warn('no SUPABASE_URL: sideband transcripts reach the client but are not stored by the token service');
  else if (!config.SUPABASE_ANON_KEY) log.warn('no SUPABASE_ANON_KEY: a gateway that verifies JWTs (hosted Supabase) refuses the forwarded transcripts');
  const verifier = new SessionTokenVerifier(config.SESSION_JWT_SECRET);
  // Fly sets FLY_MACHINE_ID on every machine; a session machine is also in the app's load balancing.
  const replayElsewhere = Boolean(config.SESSION_ONLY && config.FLY_MACHINE_ID);
  const limitSettings = {
    tenantPerMinute: config.RATE_TENANT_PER_MINUTE,
    sessionPerMinute: config.RATE_SESSION_PER_MINUTE,
    mintBurst: config.MINT_SESSION_BURST,
    mintPerMinute: config.MINT_SESSION_PER_MINUTE,
  };
  // One of a fleet: owners and rate limits live in the shared store; alone, in this process.
  const member = isFleetMember(config) ? config : null;
  const store = member ? new PostgresFleetStore(member.DATABASE_URL) : null;
  const limits: Limiter = store ? new FleetRateLimits(limitSettings, (key, perMinute, burst) => store.take(key, perMinute, burst)) : new RateLimits(limitSettings);
  let fleet: Fleet | null = null;
  const registry = new SessionRegistry({
    upstream,
    forwarder,
    log,
    metrics,
    onCall: (sessionId, callId) => fleet?.recordCall(sessionId, callId),
    onEnded: (sessionId) => void fleet?.ended(sessionId),
  });
  if (member && store) {
    fleet = new Fleet({
      store,
      machineId: member.FLY_MACHINE_ID,
      leaseSeconds: config.FLEET_LEASE_SECONDS,
      heartbeatMs: config.FLEET_HEARTBEAT_MS,
      sweepMs: config.FLEET_SWEEP_MS,
      registry,
      settings,
      jwtSecret: config.SESSION_JWT_SECRET,
      log,
    });
    fleet.start();
  }
  const handlers = createHandlers({ registry, upstream, settings, limits, metrics });
  const proxy = new SdpProxyServer({
    verifier,
    registry,
    handlers,
    log,
    metrics,
    heartbeatMs: config.HEARTBEAT_MS,
    maxBufferedBytes: config.SLOW_CONSUMER_BYTES,
    slowConsumerMs: config.SLOW_CONSUMER_MS,
    maxQueuedMessages: config.SDP_PROXY_QUEUE_MESSAGES,
    maxQueuedBytes: config.SDP_PROXY_QUEUE_BYTES,
  });

  let draining = false;
  let publicUrl = config.PUBLIC_URL ?? '';
  const isolation =
    overrides.isolation ??
    createIsolation(config, { log, metrics, publicUrl: () => publicUrl, instanceCommand: overrides.instanceCommand, env: overrides.env });
  let ready: { at: number; value: boolean } | null = null;
  const websocketUrlFor = { base: '', url: '' };
  const api = createApi({
    fleet,
    verifier,
    registry,
    settings,
    upstream,
    isolation,
    limits,
    metrics,
    log,
    iceServers: config.ICE_SERVERS,
    websocketUrl: () => {
      // Parsed once per public URL (it is set once, at listen), not once per mint.
      if (websocketUrlFor.base !== publicUrl) Object.assign(websocketUrlFor, { base: publicUrl, url: websocketUrlOf(publicUrl) });
      return websocketUrlFor.url;
    },
    ephemeralKeySeconds: config.EPHEMERAL_KEY_SECONDS,
    sessionOnly: config.SESSION_ONLY,
    replayElsewhere,
    publicMetrics: config.METRICS_PUBLIC,
    isDraining: () => draining,
    isReady: async () => {
      if (ready && Date.now() - ready.at < READY_CACHE_MS) return ready.value;
      ready = { at: Date.now(), value: await upstream.reachable() };
      return ready.value;
    },
  });

  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req: IncomingMessage, res: ServerResponse) => {
    api(req, res).catch((error: unknown) => sendFailure(res, error));
  });
  // What Node's HTTP parser refuses (control characters in the target or a header, headers too
  // large, a bad method) is answered like every other refusal: a StationError with its status.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || !error.code?.startsWith('HPE_')) return void socket.destroy();
    const failure =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? StationFailure.of('PAYLOAD_TOO_LARGE', 'request headers too large')
        : StationFailure.of('VALIDATION_FAILED', 'malformed HTTP request');
    metrics.refusals.inc({ code: refuseUpgrade(socket, failure).code });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', ignoreSocketError);
    void upgrade(req, socket, head);
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const { path, query } = parseTarget(req.url);
      if (path !== '/ws') throw StationFailure.of('NOT_FOUND', 'no such route');
      if (draining) throw StationFailure.of('UPSTREAM_UNAVAILABLE', 'the token service is shutting down; reconnect');
      const token = upgradeToken(req, query);
      if (!token) throw StationFailure.of('AUTHENTICATION_FAILED', 'missing session token');
      const claims = await verifier.verify(token);
      // Every check before routing: a refused socket provisions no per-session instance.
      assertPermission(claims, 'realtime:connect');
      if (config.SESSION_ONLY && config.SESSION_ONLY !== claims.session_id) throw new ForeignSessionFailure(replayElsewhere);
      registry.assertOpen(claims.session_id);
      if (!fleet) await limits.check(claims.tenant_id, claims.session_id);
      // The row decides: a direct session's renderer talks to OpenAI itself and gets no proxy socket
      // (nor, therefore, a per-session instance).
      assertArchitecture(await settings.settingsFor(claims), 'hybrid', 'the SDP proxy');
      if (fleet) {
        // The owner serves the session (and counts its rate): another machine's session is replayed there.
        const owned = await fleet.route(claims, replayedByFly(req));
        if (owned.kind === 'closed') throw StationFailure.of('SESSION_ENDED', 'the session has ended');
        if (owned.kind === 'replay') return replayUpgrade(socket, owned.owner);
        await limits.check(claims.tenant_id, claims.session_id);
        await fleet.resume(claims, token, owned.callId);
      }
      const route = await isolation.routeUpgrade(claims, req, socket, head);
      if (route.kind === 'local') await proxy.handleUpgrade(req, socket, head, claims, token);
    } catch (error) {
      const refused = refuseUpgrade(socket, error);
      metrics.refusals.inc({ code: refused.code });
      log.info({ code: refused.code }, 'upgrade refused');
    }
  }

  await listen(server, config.PORT, config.HOST);
  const metricsServer = config.METRICS_PORT === undefined ? null : await listen(createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') void sendMetrics(metrics, res).catch((error: unknown) => sendFailure(res, error));
    else sendFailure(res, StationFailure.of('NOT_FOUND', 'only /metrics here'));
  }), config.METRICS_PORT, config.HOST);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  publicUrl ||= url;
  log.info({ url, isolation: isolation.name, sessionOnly: config.SESSION_ONLY }, 'token service listening');

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    proxy.close();
    registry.dispose();
    forwarder?.close();
    await isolation.close();
    await settings.close();
    await fleet?.close();
    server.closeAllConnections();
    metricsServer?.closeAllConnections();
    await Promise.all([server, metricsServer].map((s) => new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()))));
  };

  const metricsAddress = metricsServer?.address() as AddressInfo | undefined;
  return {
    url,
    metricsUrl: metricsAddress ? `http://${metricsAddress.family === 'IPv6' ? `[${metricsAddress.address}]` : metricsAddress.address}:${metricsAddress.port}` : null,
    server,
    metrics,
    registry,
    isolation,
    log,
    fleet,
    async drain(graceMs = config.DRAIN_GRACE_MS) {
      draining = true;
      log.info({ graceMs, sockets: proxy.socketCount }, 'draining');
      // Leases first: the stations' reconnects then find a new owner at once.
      await fleet?.drain();
      server.close();
      proxy.drain();
      server.closeIdleConnections();
      await forwarder?.flushAll(Math.max(0, graceMs - 500));
      await close();
    },
    close,
  };
}


/** One shared listener, not a closure per upgraded socket (each idle socket's memory counts). */
function ignoreSocketError(): void {}

function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
