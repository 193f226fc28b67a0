import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { SessionPermission } from '@interview-station/contracts';
import { SignJWT } from 'jose';
import { type ServiceConfig, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { type ServiceOverrides, type TokenService, startTokenService } from '../../src/server';
import type { SessionSettings, SessionSettingsSource } from '../../src/sessionSettings';
import type { RealtimeUpstream } from '../../src/upstream/openai';

export const newSecret = () => randomBytes(32).toString('base64url');

export const TENANT_A = randomUUID();
export const TENANT_B = randomUUID();

export interface TokenOptions {
  readonly secret: string;
  readonly sessionId?: string;
  readonly tenantId?: string;
  readonly sub?: string;
  readonly permissions?: SessionPermission[];
  readonly iat?: number;
  readonly exp?: number;
  readonly alg?: 'HS256' | 'HS512';
}

/** A session JWT exactly as `interview-start` mints one (jose, HS256), with overrides for refusal tests. */
export async function signSession(options: TokenOptions): Promise<string> {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  const payload = {
    sub: options.sub ?? randomUUID(),
    tenant_id: options.tenantId ?? TENANT_A,
    session_id: options.sessionId ?? randomUUID(),
    permissions: options.permissions ?? ['realtime:connect', 'transcript:write', 'session:end'],
    iat,
    exp: options.exp ?? iat + 3600,
  };
  return new SignJWT(payload).setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(options.secret));
}

/** The classic forgery: the same claims, `alg: none`, no signature. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Every log line the service writes, for the "no secret in any log line" proofs. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }

  text(): string {
    return this.lines.join('\n');
  }
}

/** Counts every upstream operation, so refusals can be shown to call nothing upstream. */
export class CountingUpstream implements RealtimeUpstream {
  readonly counts = { mint: 0, call: 0, hangup: 0, sideband: 0 };

  constructor(private readonly inner: RealtimeUpstream) {}

  get callsUrl(): string {
    return this.inner.callsUrl;
  }

  get total(): number {
    return this.counts.mint + this.counts.call + this.counts.hangup + this.counts.sideband;
  }

  mintClientSecret(settings: SessionSettings, seconds: number) {
    this.counts.mint += 1;
    return this.inner.mintClientSecret(settings, seconds);
  }

  createCall(offerSdp: string, settings: SessionSettings) {
    this.counts.call += 1;
    return this.inner.createCall(offerSdp, settings);
  }

  hangup(callId: string) {
    this.counts.hangup += 1;
    return this.inner.hangup(callId);
  }

  sideband(callId: string) {
    this.counts.sideband += 1;
    return this.inner.sideband(callId);
  }

  reachable() {
    return this.inner.reachable();
  }
}

export interface HarnessOptions {
  readonly openaiUrl: string;
  readonly apiKey: string;
  /** The session JWT secret shared with Supabase; random by default. */
  readonly secret?: string;
  readonly env?: Record<string, string>;
  readonly settings?: SessionSettingsSource;
  readonly overrides?: Partial<ServiceOverrides>;
}

export interface Harness {
  readonly service: TokenService;
  readonly config: ServiceConfig;
  readonly secret: string;
  readonly upstream: CountingUpstream;
  readonly logs: LogCapture;
  readonly url: string;
  readonly wsUrl: string;
  token(options?: Omit<TokenOptions, 'secret'>): Promise<string>;
  close(): Promise<void>;
}

/** A token service on 127.0.0.1:0 in this process, with captured logs and a counting upstream. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const secret = options.secret ?? newSecret();
  const config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    OPENAI_API_KEY: options.apiKey,
    OPENAI_BASE_URL: options.openaiUrl,
    SESSION_JWT_SECRET: secret,
    UPSTREAM_TIMEOUT_MS: '3000',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logs = new LogCapture();
  const log = createLogger({ level: 'debug', secrets: [config.OPENAI_API_KEY, secret], destination: logs });
  let upstream: CountingUpstream | null = null;
  const service = await startTokenService(config, {
    log,
    wrapUpstream: (inner) => (upstream = new CountingUpstream(inner)),
    defaultMetrics: false,
    ...(options.settings ? { settings: options.settings } : {}),
    ...options.overrides,
  });
  if (!upstream) throw new Error('the upstream was not built');
  return {
    service,
    config,
    secret,
    upstream,
    logs,
    url: service.url,
    wsUrl: `${service.url.replace('http', 'ws')}/ws`,
    token: (tokenOptions = {}) => signSession({ secret, ...tokenOptions }),
    close: () => service.close(),
  };
}

/** POST JSON with an optional bearer token; returns status, headers and the parsed body. */
export async function postJson(url: string, body: unknown, token?: string, extraHeaders: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extraHeaders },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json: json as Record<string, unknown> & { code?: string; retryable?: boolean } };
}
