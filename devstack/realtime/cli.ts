/**
 * Runs the simulator alone: `npm run realtime-sim [-- --port 8787 --session-max-seconds 120]`.
 * Prints its URL; the standard key is REALTIME_SIM_API_KEY, or `sk-sim-local` when unset (a
 * development-only key, documented so it never needs printing). Logs are JSON lines on stderr.
 */
import { parseArgs } from 'node:util';
import { startRealtimeSimulator } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'session-max-seconds': { type: 'string', default: '3600' },
    'rate-limit-per-minute': { type: 'string' },
  },
});

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`realtime-sim: --${name} must be a non-negative integer`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const sim = await startRealtimeSimulator({
    port: positiveInt('port', values.port),
    apiKey: process.env['REALTIME_SIM_API_KEY'] || 'sk-sim-local',
    sessionMaxSeconds: positiveInt('session-max-seconds', values['session-max-seconds']),
    rateLimitPerMinute: positiveInt('rate-limit-per-minute', values['rate-limit-per-minute']),
    demo: true,
    log: 'stderr',
  });
  console.log(`realtime simulator listening on ${sim.url} (API base ${sim.baseUrl}; open ${sim.url}/ to talk to it)`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void sim.close().then(() => process.exit(0));
    });
  }
}

main().catch((error: unknown) => {
  console.error(`realtime-sim: ${(error as Error).message}`);
  process.exit(1);
});
