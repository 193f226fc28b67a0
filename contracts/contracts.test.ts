import { describe, expect, it } from 'vitest';
import {
  classifyResponse,
  ERROR_CODES,
  httpStatusFor,
  InterviewStartRequestSchema,
  InterviewStartResponseSchema,
  IPC_CHANNELS,
  ipcChannels,
  parseContract,
  SdpClientMessageSchema,
  SdpProxyMessageSchema,
  SessionJwtClaimsSchema,
  SESSION_JWT_MARGIN_SECONDS,
  SESSION_JWT_MAX_SECONDS,
  sessionJwtLifetimeSeconds,
  StationConfigSchema,
  stationError,
  TranscriptBatchRequestSchema,
  TranscriptEntryInputSchema,
  TranscriptEntrySchema,
} from './index';
import { VALID_IPC_INPUTS as validInputs } from '../test/support/validIpcInputs';

const SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
const OTHER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const NOW = '2026-11-21T10:00:00.000Z';

const entry = {
  sessionId: SESSION,
  itemId: 'item_abc123',
  contentIndex: 0,
  speaker: 'candidate',
  content: 'I led the migration to Postgres.',
  speechStartedAt: NOW,
  source: 'client',
  receivedAt: NOW,
} as const;

describe('IPC channel inputs', () => {
  it.each(IPC_CHANNELS)('%s accepts a valid input', (channel) => {
    expect(parseContract(ipcChannels[channel].input, validInputs[channel])).toMatchObject({ ok: true });
  });

  it.each(IPC_CHANNELS)('%s rejects an extra key, naming it', (channel) => {
    const result = parseContract(ipcChannels[channel].input, { ...(validInputs[channel] as object), sneaky: 1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', field: 'sneaky', retryable: false } });
  });

  it.each([
    ['auth:sign-in', { email: 'not-an-email', password: 'x' }, 'email'],
    ['auth:sign-in', { email: 'a@b.co' }, 'password'],
    ['auth:sign-in', { email: 'a@b.co', password: 'x'.repeat(1025) }, 'password'],
    ['interview:end', { sessionId: SESSION, reason: 'bored' }, 'reason'],
    ['interview:start', { templateId: 42, candidateRef: 'C' }, 'templateId'],
    ['realtime:sdp-offer', { sessionId: SESSION, sdp: 'x'.repeat(64 * 1024 + 1) }, 'sdp'],
    ['transcript:append', { ...validInputs['transcript:append'] as object, contentIndex: -1 }, 'contentIndex'],
    ['transcript:append', { ...validInputs['transcript:append'] as object, itemId: '../../etc/passwd' }, 'itemId'],
    ['transcript:append', { ...validInputs['transcript:append'] as object, content: 'x'.repeat(20_001) }, 'content'],
    ['transcript:append', { ...validInputs['transcript:append'] as object, speaker: 'narrator' }, 'speaker'],
    ['proctor:unlock', { pin: '12a4', action: 'quit' }, 'pin'],
    ['transcript:list', { sessionId: 'not-a-uuid' }, 'sessionId'],
  ] as const)('%s rejects %j naming %s', (channel, input, field) => {
    const result = parseContract(ipcChannels[channel].input, input, `${channel} input`);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('VALIDATION_FAILED');
      expect(result.error.field).toBe(field);
      expect(result.error.message).toContain(`${channel} input: ${field}`);
    }
  });

  it('rejects input that is not an object at all', () => {
    expect(parseContract(ipcChannels['auth:sign-in'].input, 'email=a@b.co')).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(parseContract(ipcChannels['app:info'].input, null)).toMatchObject({ ok: false });
  });
});

describe('SDP proxy protocol', () => {
  it('accepts the reference design client messages', () => {
    for (const message of [
      { type: 'session', sessionId: SESSION, data: {} },
      { type: 'offer', sessionId: SESSION, data: { sdp: 'v=0' } },
      { type: 'answer', sessionId: SESSION, data: { sdp: 'v=0' } },
      { type: 'ice_candidate', sessionId: SESSION, data: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } },
    ]) {
      expect(SdpClientMessageSchema.safeParse(message).success, message.type).toBe(true);
    }
  });

  it('rejects an unknown type, a missing sessionId and an oversized SDP', () => {
    expect(parseContract(SdpClientMessageSchema, { type: 'hello', sessionId: SESSION, data: {} })).toMatchObject({ ok: false, error: { field: 'type' } });
    expect(parseContract(SdpClientMessageSchema, { type: 'offer', data: { sdp: 'v=0' } })).toMatchObject({ ok: false, error: { field: 'sessionId' } });
    expect(parseContract(SdpClientMessageSchema, { type: 'offer', sessionId: SESSION, data: { sdp: 'v'.repeat(70_000) } })).toMatchObject({
      ok: false,
      error: { field: 'data.sdp' },
    });
  });

  it('accepts proxy messages with a timestamp and refuses them without', () => {
    const ready = { type: 'session_ready', data: { sessionId: SESSION }, timestamp: NOW };
    expect(SdpProxyMessageSchema.safeParse(ready).success).toBe(true);
    expect(SdpProxyMessageSchema.safeParse({ type: 'transcript', data: entry, timestamp: NOW }).success).toBe(true);
    expect(SdpProxyMessageSchema.safeParse({ type: 'error', data: stationError('SDP_EXCHANGE_FAILED', 'upstream 502'), timestamp: NOW }).success).toBe(true);
    expect(parseContract(SdpProxyMessageSchema, { type: 'session_ready', data: { sessionId: SESSION } })).toMatchObject({ ok: false, error: { field: 'timestamp' } });
  });
});

describe('edge function bodies', () => {
  it('defaults interview-start to hybrid and refuses unknown fields', () => {
    const consent = { noticeVersion: '2026-12-v1', acceptedAt: '2026-12-01T10:00:00.000Z' };
    const parsed = InterviewStartRequestSchema.parse({ companyId: OTHER, templateId: OTHER, stationId: OTHER, candidateRef: 'C-1', consent });
    expect(parsed.architecture).toBe('hybrid');
    expect(parseContract(InterviewStartRequestSchema, { companyId: OTHER, templateId: OTHER, stationId: OTHER, candidateRef: 'C-1', consent, tenantId: OTHER })).toMatchObject({
      ok: false,
      error: { field: 'tenantId' },
    });
  });

  it('refuses an interview-start without the candidate\'s consent, or with a malformed one', () => {
    const base = { companyId: OTHER, templateId: OTHER, stationId: OTHER, candidateRef: 'C-1' };
    expect(parseContract(InterviewStartRequestSchema, base)).toMatchObject({ ok: false, error: { field: 'consent' } });
    expect(parseContract(InterviewStartRequestSchema, { ...base, consent: { noticeVersion: 'v1', acceptedAt: 'yesterday' } })).toMatchObject({
      ok: false,
      error: { field: 'consent.acceptedAt' },
    });
    expect(parseContract(InterviewStartRequestSchema, { ...base, consent: { noticeVersion: '<b>', acceptedAt: '2026-12-01T10:00:00Z' } })).toMatchObject({
      ok: false,
      error: { field: 'consent.noticeVersion' },
    });
  });

  it('validates an interview-start response', () => {
    const response = {
      sessionId: SESSION,
      sessionToken: 'eyJ.a.b',
      webrtcConfig: {
        architecture: 'direct',
        tokenServiceUrl: 'https://tokens.example.com',
        model: 'gpt-realtime',
        voice: 'marin',
        instructions: 'You are a structured interviewer.',
        iceServers: [{ urls: 'stun:stun.example.com:3478' }],
        maxDurationSeconds: 3600,
      },
      metadata: { createdAt: NOW, expiresAt: '2026-11-21T11:00:00.000Z' },
    };
    expect(InterviewStartResponseSchema.safeParse(response).success).toBe(true);
    expect(parseContract(InterviewStartResponseSchema, { ...response, webrtcConfig: { ...response.webrtcConfig, voice: 'robot' } })).toMatchObject({
      ok: false,
      error: { field: 'webrtcConfig.voice' },
    });
  });

  it('caps a transcript batch at 500 entries and refuses entries of another session', () => {
    expect(TranscriptBatchRequestSchema.safeParse({ sessionId: SESSION, entries: [entry] }).success).toBe(true);
    const tooMany = Array.from({ length: 501 }, (_, i) => ({ ...entry, itemId: `item_${i}` }));
    expect(parseContract(TranscriptBatchRequestSchema, { sessionId: SESSION, entries: tooMany })).toMatchObject({ ok: false, error: { field: 'entries' } });
    expect(parseContract(TranscriptBatchRequestSchema, { sessionId: SESSION, entries: [{ ...entry, sessionId: OTHER }] })).toMatchObject({
      ok: false,
      error: { field: 'entries[0].sessionId' },
    });
    expect(parseContract(TranscriptBatchRequestSchema, { sessionId: SESSION, entries: [] })).toMatchObject({ ok: false });
  });

  it('requires a source and arrival time on a stored entry', () => {
    const { source: _source, ...withoutSource } = entry;
    expect(parseContract(TranscriptEntrySchema, withoutSource)).toMatchObject({ ok: false, error: { field: 'source' } });
  });
});

describe('session JWT claims', () => {
  const claims = { sub: OTHER, tenant_id: OTHER, session_id: SESSION, permissions: ['realtime:connect'], iat: 1_800_000_000, exp: 1_800_003_600 };

  it('accepts a one-hour token', () => {
    expect(SessionJwtClaimsSchema.safeParse(claims).success).toBe(true);
  });

  it('refuses a longer lifetime, an unknown permission and a missing session_id', () => {
    // The longest interview (7200 s) plus the margin is accepted; a second more is not.
    expect(parseContract(SessionJwtClaimsSchema, { ...claims, exp: claims.iat + SESSION_JWT_MAX_SECONDS })).toMatchObject({ ok: true });
    expect(parseContract(SessionJwtClaimsSchema, { ...claims, exp: claims.iat + SESSION_JWT_MAX_SECONDS + 1 })).toMatchObject({ ok: false, error: { field: 'exp' } });
    expect(SESSION_JWT_MAX_SECONDS).toBe(7200 + SESSION_JWT_MARGIN_SECONDS);
    expect(sessionJwtLifetimeSeconds(1800)).toBe(1800 + SESSION_JWT_MARGIN_SECONDS);
    expect(sessionJwtLifetimeSeconds(7200)).toBe(SESSION_JWT_MAX_SECONDS);
    expect(parseContract(SessionJwtClaimsSchema, { ...claims, permissions: ['admin'] })).toMatchObject({ ok: false, error: { field: 'permissions[0]' } });
    const { session_id: _id, ...noSession } = claims;
    expect(parseContract(SessionJwtClaimsSchema, noSession)).toMatchObject({ ok: false, error: { field: 'session_id' } });
  });
});

describe('station configuration', () => {
  it('fills defaults for an empty file', () => {
    expect(StationConfigSchema.parse({})).toMatchObject({ connectionMode: 'hybrid', kiosk: false, maxInterviewMinutes: 60, allowedMicrophones: [] });
  });

  it('refuses a plain PIN where a hash belongs, and unknown keys', () => {
    expect(parseContract(StationConfigSchema, { proctorPinHash: '1234' })).toMatchObject({ ok: false, error: { field: 'proctorPinHash' } });
    expect(parseContract(StationConfigSchema, { kioskMode: true })).toMatchObject({ ok: false, error: { field: 'kioskMode' } });
  });
});

describe('error codes', () => {
  it('carry the retryable flag of their table entry', () => {
    expect(stationError('SDP_EXCHANGE_FAILED', 'x').retryable).toBe(true);
    expect(stationError('AUTHENTICATION_FAILED', 'x').retryable).toBe(false);
    for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]) {
      expect(stationError(code, 'x').retryable).toBe(ERROR_CODES[code].retryable);
    }
  });

  it('include the reference design codes', () => {
    for (const code of ['SDP_EXCHANGE_FAILED', 'WEBRTC_CONNECTION_FAILED', 'AUTHENTICATION_FAILED', 'VM_PROVISIONING_FAILED', 'TRANSCRIPT_PROCESSING_FAILED']) {
      expect(ERROR_CODES).toHaveProperty(code);
    }
  });
});

describe('text the database cannot hold is refused at the contract', () => {
  const entry = {
    sessionId: '6f1d1c2e-7a4b-4c1f-9a55-2f0b7f1d9c01',
    itemId: 'item_1',
    contentIndex: 0,
    speaker: 'candidate',
    speechStartedAt: '2026-12-01T10:00:00.000Z',
  };
  it('a NUL character or an unpaired surrogate in transcript text', () => {
    expect(TranscriptEntryInputSchema.safeParse({ ...entry, content: 'fine, thanks' }).success).toBe(true);
    expect(TranscriptEntryInputSchema.safeParse({ ...entry, content: 'emoji 🎤 ok' }).success).toBe(true);
    expect(TranscriptEntryInputSchema.safeParse({ ...entry, content: 'nul\u0000here' }).success).toBe(false);
    expect(TranscriptEntryInputSchema.safeParse({ ...entry, content: 'half \ud83c pair' }).success).toBe(false);
    expect(TranscriptEntryInputSchema.safeParse({ ...entry, content: 'x'.repeat(20_000) }).success).toBe(true);
  });
});

describe('every error code carries its HTTP status, and one classifier reads answers', () => {
  it('statuses come from the table', () => {
    expect(httpStatusFor('VALIDATION_FAILED')).toBe(400);
    expect(httpStatusFor('AUTHENTICATION_FAILED')).toBe(401);
    expect(httpStatusFor('RATE_LIMITED')).toBe(429);
    for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]) {
      const status = httpStatusFor(code);
      expect(status >= 400 && status < 600, code).toBe(true);
      // A retryable code must never be answered with a status clients treat as final, and back.
      if (status >= 500 || status === 429) expect(ERROR_CODES[code].retryable || code === 'NOT_IMPLEMENTED' || code === 'CONFIGURATION_INVALID', code).toBe(true);
    }
  });

  it('classifies answers into ok, retry, sign-in and set-aside', () => {
    expect(classifyResponse(200).kind).toBe('ok');
    expect(classifyResponse(null).kind).toBe('retry');
    expect(classifyResponse(503).kind).toBe('retry');
    expect(classifyResponse(429).kind).toBe('retry');
    expect(classifyResponse(401).kind).toBe('signIn');
    expect(classifyResponse(403, stationError('NOT_AUTHORIZED', 'no')).kind).toBe('signIn');
    expect(classifyResponse(400, stationError('VALIDATION_FAILED', 'bad', 'entries[3].content')).kind).toBe('setAside');
    expect(classifyResponse(409, stationError('SESSION_ENDED', 'ended')).kind).toBe('setAside');
    expect(classifyResponse(418).kind).toBe('setAside');
    // A 5xx is transient even when a body claims a final code (a proxy may have answered).
    expect(classifyResponse(500, stationError('VALIDATION_FAILED', 'x')).kind).toBe('retry');
  });
});
