// Interview starts per second through the token service as a fleet: three machines behind the Fly
// stand-in's proxy against one machine behind the same proxy, in the same run, on the same local
// stack (real Postgres and edge functions; test/fleet/localFleet.ts). A start is what a hybrid
// station does before its offer: interview-start, then the SDP proxy socket through Fly's proxy
// (the machine it lands on claims the session in Postgres or replays it to the owner, the shared
// rate limits are taken) until `session_ready`. Rounds alternate one and three machines, so the
// machine's noise falls on both. On the project's 2 shared cores three processes cannot have
// more CPU than one: the figure shows what ownership and shared limits cost, not a scale-out.
import WebSocket from 'ws';
import { type Bench, type BenchOptions, type Row, median, pool, round } from '../lib';
import type { TokenServiceFleet } from '../../devstack/fly/tokenServiceFleet';
import { startBody, startLocalFleet } from '../../test/fleet/localFleet';
import { type StationContext, callFunction } from '../../test/fleet/station';

const CONCURRENCY = 32;

/** One hybrid start: interview-start, then the socket through the proxy until session_ready. */
async function startOne(ctx: StationContext): Promise<void> {
  const started = (await callFunction(ctx, 'interview-start', startBody('acme', 'hybrid'))) as { sessionId: string; sessionToken: string };
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`${ctx.appUrl.replace(/^http/, 'ws')}/ws`, { headers: { authorization: `Bearer ${started.sessionToken}` } });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'session', sessionId: started.sessionId, data: {} })));
    ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { type: string }).type !== 'session_ready') return;
      ws.close();
      resolve();
    });
  });
}

export const fleet: Bench = {
  name: 'fleet',
  title: 'interview starts/s through the token service fleet: 3 machines vs 1 behind the Fly proxy',
  async run(options: BenchOptions): Promise<Row[]> {
    const rounds = options.quick ? 1 : (options.runs ?? 3);
    const starts = options.quick ? 20 : 200;
    const local = await startLocalFleet();
    try {
      const env = { RATE_TENANT_PER_MINUTE: '100000', RATE_SESSION_PER_MINUTE: '600' };
      const fleets: Record<'one' | 'three', TokenServiceFleet> = { one: await local.startFleet(1, env), three: await local.startFleet(3, env) };
      const rates: Record<'one' | 'three', number[]> = { one: [], three: [] };
      const contextOf = (which: 'one' | 'three') => ({ ...local.acme, appUrl: fleets[which].appUrl });
      // Warm-up: the functions' isolate, pools, each machine's first settings query.
      for (const which of ['one', 'three'] as const) await pool(6, 3, () => startOne(contextOf(which)));
      for (let r = 0; r < rounds; r++) {
        for (const which of ['one', 'three'] as const) {
          const { seconds } = await pool(starts, CONCURRENCY, () => startOne(contextOf(which)));
          rates[which].push(starts / seconds);
          options.log(`fleet round ${r + 1}: ${which} machine(s) ${round(starts / seconds, 1)} starts/s`);
        }
      }
      const three = median(rates.three);
      const one = median(rates.one);
      return [
        {
          figure: `interview starts/s (interview-start + SDP proxy socket ready), ${starts} at concurrency ${CONCURRENCY}: 3 machines`,
          value: round(three, 1),
          unit: 'starts/s',
          baseline: round(one, 1),
          baselineLabel: '1 machine, same proxy and stack',
          ratio: round(three / one, 2),
          runs: rounds,
          note: 'each start claims its session in Postgres (owner) and takes two shared rate-limit tokens; 2 shared cores: three machines share the same CPU as one',
          detail: { threeMachines: rates.three.map((v) => round(v, 1)), oneMachine: rates.one.map((v) => round(v, 1)) },
        },
      ];
    } finally {
      await local.stop();
    }
  },
};
