// A function stops reading a body at its size limit: a chunked body (no content-length) that passes
// the limit is refused with 413 while it is still arriving, so nobody can make a function buffer
// an unbounded body.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseClient } from '@supabase/supabase-js';
import { accessToken, signInAs, startFunctionsFixture, type FunctionsFixture } from './support/functionsFixture';

let fx: FunctionsFixture;
let proctor: SupabaseClient;
let token: string;

beforeAll(async () => {
  fx = await startFunctionsFixture();
  proctor = await signInAs(fx.stack, 'proctor@acme.test');
  token = await accessToken(proctor);
});
afterAll(async () => {
  await fx?.stop();
});

describe('a chunked body without content-length', () => {
  /** Sends `first` as a chunk and keeps the body open; resolves with the answer, if one comes. */
  function openEndedPost(name: string, first: string): Promise<{ status: number; body: string }> {
    const url = new URL(`${fx.stack.supabaseUrl}/functions/v1/${name}`);
    return new Promise((resolve, reject) => {
      const req = http.request(
        { hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'transfer-encoding': 'chunked' } },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('error', reject);
      req.write(first);
      // Never ended: a function that waits for the whole body never answers.
      setTimeout(() => {
        req.destroy();
        reject(new Error('no answer while the body was still arriving: the function reads the whole body first'));
      }, 5_000);
    });
  }

  it('is refused with 413 as soon as it passes the limit, before it ends', async () => {
    const answer = await openEndedPost('station-context', `{"pad":"${'x'.repeat(4096)}`);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', retryable: false });
  }, 10_000);

  it('under the limit is read to its end and answered normally', async () => {
    const url = new URL(`${fx.stack.supabaseUrl}/functions/v1/station-context`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{');
      req.end('}');
    });
    expect(status).toBe(200);
  });
});
