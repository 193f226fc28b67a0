import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from '../../devstack/realtime/index';
import { startHarness } from './support/harness';

/**
 * `/metrics` is private unless configured otherwise: served on the METRICS_PORT listener only, and
 * on the public port only with the explicit METRICS_PUBLIC=true.
 */
let sim: RealtimeSimulatorHandle;

beforeAll(async () => {
  sim = await startRealtimeSimulator();
});

afterAll(async () => {
  await sim?.close();
});

async function scrape(base: string) {
  const res = await fetch(`${base}/metrics`);
  const text = await res.text();
  return { status: res.status, text };
}

describe('/metrics', () => {
  it('is not served on the public port by default (no METRICS_PORT)', async () => {
    const h = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey });
    try {
      const answer = await scrape(h.url);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.text)).toMatchObject({ code: 'NOT_FOUND' });
      expect(answer.text).not.toContain('token_service_');
    } finally {
      await h.close();
    }
  });

  it('is served on METRICS_PORT only when that is set', async () => {
    const h = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey, env: { METRICS_PORT: '0' } });
    try {
      expect((await scrape(h.url)).status).toBe(404);
      expect(h.service.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const answer = await scrape(h.service.metricsUrl ?? '');
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('token_service_active_sockets');
    } finally {
      await h.close();
    }
  });

  it('is served on the public port with the explicit METRICS_PUBLIC=true', async () => {
    const h = await startHarness({ openaiUrl: sim.url, apiKey: sim.apiKey, env: { METRICS_PUBLIC: 'true' } });
    try {
      expect((await scrape(h.url)).text).toContain('token_service_active_sockets');
    } finally {
      await h.close();
    }
  });
});
