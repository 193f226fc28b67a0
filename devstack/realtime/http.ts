import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { CallFaultSchema, FaultRuleSchema } from './faults';
import { bearerOf } from './keys';
import type { Logger } from './log';
import { ApiError, fromZodError, sendError } from './openaiErrors';
import { ClientSecretRequestSchema, SessionConfigSchema, applySessionConfig, type RealtimeSession } from './session';
import type { RealtimeSimulator } from './simulator';

const MAX_BODY = 512 * 1024;
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, openai-beta, x-openai-agents-sdk',
  'access-control-expose-headers': 'location, retry-after',
  'access-control-max-age': '600',
};

/**
 * The REST surface: GA Realtime endpoints, the control endpoints (`/__sim/...`, standard key) and,
 * when enabled, the demo page with its `/token` helper. Every failure is OpenAI's error shape.
 */
export function createRequestHandler(sim: RealtimeSimulator, opts: { demo: boolean; log: Logger }) {
  const routes: { method: string; pattern: RegExp; run: (req: IncomingMessage, res: ServerResponse, m: RegExpExecArray) => Promise<void> }[] = [
    { method: 'POST', pattern: /^\/v1\/realtime\/client_secrets$/, run: (req, res) => clientSecrets(sim, req, res) },
    { method: 'POST', pattern: /^\/v1\/realtime\/calls$/, run: (req, res) => calls(sim, req, res) },
    { method: 'POST', pattern: /^\/v1\/realtime\/calls\/([\w-]{1,64})\/hangup$/, run: (req, res, m) => hangup(sim, req, res, m[1] ?? '') },
    { method: 'GET', pattern: /^\/__sim\/calls$/, run: async (req, res) => (sim.keys.requireStandardKey(req.headers), json(res, 200, { calls: sim.snapshots() })) },
    { method: 'POST', pattern: /^\/__sim\/faults$/, run: (req, res) => addFault(sim, req, res) },
    { method: 'POST', pattern: /^\/__sim\/calls\/([\w-]{1,64})\/faults$/, run: (req, res, m) => faultCall(sim, req, res, m[1] ?? '') },
    { method: 'POST', pattern: /^\/__sim\/keys\/expire$/, run: async (req, res) => (sim.keys.requireStandardKey(req.headers), json(res, 200, { expired: sim.keys.expireAll() })) },
  ];
  if (opts.demo) {
    const page = readFileSync(join(import.meta.dirname, 'demo.html'));
    routes.push({ method: 'GET', pattern: /^\/favicon\.ico$/, run: async (_req, res) => void res.writeHead(204).end() });
    routes.push({ method: 'GET', pattern: /^\/$/, run: async (_req, res) => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page) });
    // The "your server mints the key" step of OpenAI's guide, for the demo page only.
    routes.push({
      method: 'GET',
      pattern: /^\/token$/,
      run: async (_req, res) => json(res, 200, sim.mintClientSecret({ type: 'realtime', audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } }, 600)),
    });
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [name, value] of Object.entries(CORS)) res.setHeader(name, value);
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    try {
      if (req.method === 'OPTIONS') return void res.writeHead(204).end();
      for (const route of routes) {
        const match = route.method === req.method ? route.pattern.exec(path) : null;
        if (match) return await route.run(req, res, match);
      }
      throw new ApiError(404, 'invalid_request_error', null, `Invalid URL (${req.method ?? '?'} ${path.slice(0, 200)})`);
    } catch (error) {
      if (!(error instanceof ApiError)) opts.log('http.error', { path, message: (error as Error).message });
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'server_error', null, 'The server had an error while processing your request.');
      if (!res.headersSent) sendError(res, apiError);
      else res.destroy();
    }
  };
}

async function clientSecrets(sim: RealtimeSimulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  sim.keys.requireStandardKey(req.headers);
  sim.limiter.check(bearerOf(req.headers) ?? '');
  const body = await readJson(req);
  const parsed = ClientSecretRequestSchema.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error, body);
  json(res, 200, sim.mintClientSecret(parsed.data.session, parsed.data.expires_after?.seconds ?? 600));
}

async function calls(sim: RealtimeSimulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const bearer = bearerOf(req.headers);
  const standard = sim.keys.isStandardKey(bearer);
  // Standard key: the server-side form; otherwise the ek_ key decides the session (401 if bad/expired).
  let session: RealtimeSession = standard ? sim.sessionFrom(undefined) : sim.keys.sessionFor(bearer);
  sim.limiter.check(bearer ?? '');
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  let sdp: string;
  if (type === 'application/sdp') {
    sdp = (await readBody(req)).toString('utf8');
  } else if (type === 'multipart/form-data') {
    const form = await new Response(await readBody(req), { headers: { 'content-type': req.headers['content-type'] ?? '' } })
      .formData()
      .catch(() => {
        throw ApiError.badRequest('invalid_value', 'The multipart body could not be parsed.', null);
      });
    const field = form.get('sdp');
    if (typeof field !== 'string') throw ApiError.badRequest('missing_required_parameter', "Missing required parameter: 'sdp'.", 'sdp');
    sdp = field;
    const sessionField = form.get('session');
    if (sessionField !== null) {
      let raw: unknown;
      try {
        raw = JSON.parse(typeof sessionField === 'string' ? sessionField : await sessionField.text());
      } catch {
        throw ApiError.badRequest('invalid_json', "The 'session' part is not valid JSON.", 'session');
      }
      const config = SessionConfigSchema.safeParse(raw);
      if (!config.success) throw fromZodError(config.error, raw, 'session');
      session = applySessionConfig(session, config.data);
    }
  } else {
    throw ApiError.badRequest('invalid_content_type', "Content-Type must be 'application/sdp' or 'multipart/form-data'.", null);
  }
  checkOffer(sdp);
  const { callId, answer } = await sim.startCall(session, sdp);
  res.writeHead(201, { 'content-type': 'application/sdp', location: `/v1/realtime/calls/${callId}` });
  res.end(answer);
}

async function hangup(sim: RealtimeSimulator, req: IncomingMessage, res: ServerResponse, callId: string): Promise<void> {
  sim.keys.requireStandardKey(req.headers);
  await sim.hangup(callId);
  json(res, 200, {});
}

async function addFault(sim: RealtimeSimulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  sim.keys.requireStandardKey(req.headers);
  const body = await readJson(req);
  const parsed = FaultRuleSchema.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error, body);
  sim.addFault(parsed.data);
  json(res, 200, { pending: sim.faults.pending() });
}

async function faultCall(sim: RealtimeSimulator, req: IncomingMessage, res: ServerResponse, callId: string): Promise<void> {
  sim.keys.requireStandardKey(req.headers);
  const body = await readJson(req);
  const parsed = CallFaultSchema.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error, body);
  sim.faultCall(callId, parsed.data);
  json(res, 200, {});
}

/** What every browser offer has; without these werift would answer an offer no one can connect to. */
function checkOffer(sdp: string): void {
  const required: [RegExp, string][] = [
    [/^v=0\r?$/m, 'a version line'],
    [/^m=audio /m, 'an audio section'],
    [/^a=ice-ufrag:\S+/m, 'ICE credentials'],
    [/^a=ice-pwd:\S+/m, 'ICE credentials'],
    [/^a=fingerprint:\S+ \S+/m, 'a DTLS fingerprint'],
  ];
  const missing = required.find(([pattern]) => !pattern.test(sdp));
  if (missing || !sdp.startsWith('v=0')) {
    throw ApiError.badRequest('invalid_offer', `The body is not a WebRTC SDP offer (missing ${missing?.[1] ?? 'a version line'}).`, 'sdp');
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw ApiError.badRequest('invalid_content_type', "Content-Type must be 'application/json'.", null);
  const body = await readBody(req);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw ApiError.badRequest('invalid_json', 'We could not parse the JSON body of your request.', null);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'invalid_request_error', 'request_too_large', `The request body exceeds ${MAX_BODY} bytes.`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
