// The Realtime simulator in a process of its own for the fleet scenario, so its hundreds of
// answering werift peers do not share an event loop with the hundreds of stations' peers (the
// machine has two cores). Started by localFleet.ts with `--import tsx`; tells its parent
// `{ url, apiKey }` over IPC; stops when the parent says `exit` or goes away.
import { startRealtimeSimulator } from '../../devstack/realtime/index';

async function main(): Promise<void> {
  const script = process.env['SIM_SCRIPT'] ? (JSON.parse(process.env['SIM_SCRIPT']) as { lines: string[]; openOnConnect?: boolean }) : undefined;
  const sim = await startRealtimeSimulator(script ? { script } : {});
  const stop = () => void sim.close().finally(() => process.exit(0));
  process.on('message', (message) => message === 'exit' && stop());
  process.on('disconnect', stop);
  process.send?.({ url: sim.url, apiKey: sim.apiKey });
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator failed: ${(error as Error).message}\n`);
  process.exit(1);
});
