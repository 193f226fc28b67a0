import type { z } from 'zod';
import { stationError } from './contracts/errors.ts';
import { parseContract } from './contracts/validate.ts';
import { authenticate, type Caller } from './auth.ts';
import type { SessionPermission } from './contracts/jwt.ts';
import { functionEnv, type FunctionEnv } from './env.ts';
import { CORS_HEADERS, HttpError, json, readJson } from './http.ts';

/** What a function's body receives: its verified caller, its validated body, its configuration. */
export interface FunctionContext<T> {
  readonly caller: Caller;
  readonly body: T;
  readonly env: FunctionEnv;
}

export interface FunctionSpec<S extends z.ZodType, R> {
  /** For logs only. */
  readonly name: string;
  readonly request: S;
  readonly maxBodyBytes: number;
  /** Also accept a session JWT with this permission (the token service acting for a session). */
  readonly sessionPermission?: SessionPermission;
  readonly handle: (context: FunctionContext<z.output<S>>) => Promise<R>;
}

/**
 * Wraps a function body with what every function needs, in this order: CORS preflight, POST only,
 * configuration, authentication (401), body parsing and contract validation (400 naming the field),
 * then the body; typed errors become their status, anything else a 500 without details.
 */
export function defineFunction<S extends z.ZodType, R>(spec: FunctionSpec<S, R>): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS_HEADERS });
    const started = Date.now();
    try {
      if (req.method !== 'POST') throw new HttpError(stationError('METHOD_NOT_ALLOWED', 'use POST'), { Allow: 'POST, OPTIONS' });
      const env = functionEnv();
      const caller = await authenticate(req, env, spec.sessionPermission);
      const parsed = parseContract(spec.request, await readJson(req, spec.maxBodyBytes), 'request body');
      if (!parsed.ok) throw new HttpError(parsed.error);
      const result = await spec.handle({ caller, body: parsed.value, env });
      log(spec.name, 200, started, caller);
      return json(200, result);
    } catch (error) {
      if (error instanceof HttpError) {
        log(spec.name, error.status, started, undefined, error.body.code);
        return json(error.status, error.body, error.headers);
      }
      // Log the message only: request bodies hold transcript text and headers hold tokens.
      console.error(JSON.stringify({ fn: spec.name, level: 'error', error: (error as Error)?.message ?? String(error) }));
      return json(500, stationError('INTERNAL', 'internal error'));
    }
  };
}

function log(fn: string, status: number, started: number, caller?: Caller, code?: string): void {
  const entry: Record<string, unknown> = { fn, status, ms: Date.now() - started };
  if (caller) Object.assign(entry, { user: caller.userId, tenant: caller.tenantId });
  if (code) entry['code'] = code;
  console.log(JSON.stringify(entry));
}
