import type { ServerResponse } from 'node:http';
import type { z } from 'zod';

/** OpenAI's error body: `{ error: { type, code, message, param } }`, as every REST endpoint returns it. */
export interface OpenAIErrorBody {
  readonly error: { readonly type: string; readonly code: string | null; readonly message: string; readonly param: string | null };
}

/** An HTTP failure the simulator answers in OpenAI's shape; thrown by handlers, caught by the router. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get body(): OpenAIErrorBody {
    return { error: { type: this.type, code: this.code, message: this.message, param: this.param } };
  }

  static invalidKey(message = 'Incorrect API key provided.'): ApiError {
    return new ApiError(401, 'invalid_request_error', 'invalid_api_key', message);
  }

  static badRequest(code: string, message: string, param: string | null = null): ApiError {
    return new ApiError(400, 'invalid_request_error', code, message, param);
  }

  static notFound(message: string): ApiError {
    return new ApiError(404, 'invalid_request_error', 'not_found', message);
  }

  static rateLimited(retryAfterSeconds: number): ApiError {
    return new ApiError(429, 'requests', 'rate_limit_exceeded', 'Rate limit reached for requests. Please try again later.', null, {
      'retry-after': String(retryAfterSeconds),
    });
  }
}

export function sendError(res: ServerResponse, error: ApiError): void {
  res.writeHead(error.status, { 'content-type': 'application/json', ...error.headers });
  res.end(JSON.stringify(error.body));
}

/**
 * Turns the first zod issue into OpenAI's 400: `unknown_parameter`, `missing_required_parameter`
 * or `invalid_value`, with `param` the dotted path (`session.audio.output.voice`).
 */
export function fromZodError(error: z.ZodError, input: unknown, prefix = ''): ApiError {
  const issue = error.issues[0];
  if (!issue) return ApiError.badRequest('invalid_value', 'Invalid request body.');
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = [path, issue.keys[0]].filter(Boolean).join('.');
    return ApiError.badRequest('unknown_parameter', `Unknown parameter: '${key}'.`, key);
  }
  if (issue.code !== 'invalid_union' && valueAt(input, issue.path) === undefined) {
    return ApiError.badRequest('missing_required_parameter', `Missing required parameter: '${path}'.`, path);
  }
  return ApiError.badRequest('invalid_value', `Invalid value for '${path}': ${issue.message}`, path || null);
}

// zod 4 leaves the offending value out of its issues, so look it up to tell "missing" from "wrong".
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
