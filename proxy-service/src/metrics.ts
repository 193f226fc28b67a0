import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's Prometheus metrics, on their own registry so tests and instances never share one. */
export interface ServiceMetrics {
  readonly registry: Registry;
  readonly activeSessions: Gauge;
  readonly activeSockets: Gauge;
  readonly mintSeconds: Histogram;
  readonly sdpSeconds: Histogram;
  readonly upstreamErrors: Counter<'operation' | 'code'>;
  readonly refusals: Counter<'code'>;
  readonly transcriptsForwarded: Counter<'outcome'>;
  readonly wsMessages: Counter<'type'>;
}

export function createMetrics(options: { defaultMetrics: boolean }): ServiceMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    activeSessions: new Gauge({ name: 'token_service_active_sessions', help: 'Sessions holding a call or a socket', registers }),
    activeSockets: new Gauge({ name: 'token_service_active_sockets', help: 'Open SDP proxy WebSockets', registers }),
    mintSeconds: new Histogram({
      name: 'token_service_mint_duration_seconds',
      help: 'Time to mint an ephemeral key upstream',
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    sdpSeconds: new Histogram({
      name: 'token_service_sdp_exchange_duration_seconds',
      help: 'Time to exchange an SDP offer upstream',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    upstreamErrors: new Counter({
      name: 'token_service_upstream_errors_total',
      help: 'Upstream (OpenAI, Supabase) failures by operation and contract error code',
      labelNames: ['operation', 'code'],
      registers,
    }),
    refusals: new Counter({ name: 'token_service_refusals_total', help: 'Requests and messages refused, by error code', labelNames: ['code'], registers }),
    transcriptsForwarded: new Counter({
      name: 'token_service_transcripts_forwarded_total',
      help: 'Final transcript entries sent to interview-transcript, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    wsMessages: new Counter({ name: 'token_service_ws_messages_total', help: 'SDP proxy messages received, by type', labelNames: ['type'], registers }),
  };
}
