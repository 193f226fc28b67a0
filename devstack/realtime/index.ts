import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallSnapshot } from './call';
import type { CallFault, FaultRule } from './faults';
import { createRequestHandler } from './http';
import { type Logger, jsonLogger, silentLogger } from './log';
import { DEFAULT_SCRIPT, type InterviewScript } from './script';
import { attachSideband } from './sideband';
import { RealtimeSimulator } from './simulator';

export type { CallSnapshot } from './call';
export type { CallFault, Fault, FaultRule } from './faults';
export type { Logger } from './log';
export { DEFAULT_SCRIPT, type InterviewScript } from './script';

/** Options of {@link startRealtimeSimulator}; every one has a default suited to tests. */
export interface RealtimeSimulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** The standard key clients must present; a random `sk-sim-...` key by default. */
  readonly apiKey?: string;
  /** The session cap after which a call gets `error`/`session_expired` and ends; default 3600 (60 minutes). */
  readonly sessionMaxSeconds?: number;
  /** What the interviewer says; default {@link DEFAULT_SCRIPT} (audio committed in fixtures/). */
  readonly script?: InterviewScript;
  /** Faults queued from the start, as if added with `control.addFault`. */
  readonly faults?: readonly FaultRule[];
  /** Requests per minute per credential on client_secrets and calls before a 429; unlimited by default. */
  readonly rateLimitPerMinute?: number;
  /** Delay between a turn's end and its transcription event; default 300 ms. */
  readonly transcriptionDelayMs?: number;
  /** Serve the demo page at `/` and its key-minting `/token` helper (the CLI turns this on). */
  readonly demo?: boolean;
  /** Structured log sink; `'stderr'` for JSON lines with secrets redacted; silent by default. */
  readonly log?: Logger | 'stderr';
}

/** Fault injection and inspection, in process (the same operations as the `/__sim/...` endpoints). */
export interface RealtimeSimulatorControl {
  /** Queue a fault for the next N calls (or key mints, for `expire-key`). */
  addFault(rule: FaultRule): void;
  /** Apply a fault to a running call now (or after its `afterMs`). */
  faultCall(callId: string, fault: CallFault): void;
  clearFaults(): void;
  /** Every minted `ek_` key stops working now; calls already started go on. */
  expireKeys(): number;
  /** Measurements of active and recently ended calls: packets, levels, turns; never content. */
  calls(): CallSnapshot[];
  call(callId: string): CallSnapshot | undefined;
  hangup(callId: string): Promise<void>;
  /** The session cap (`session_expired`) of calls started from now on. */
  setSessionMaxSeconds(seconds: number): void;
  /** What the interviewer says in calls started from now on (e.g. a script with `rapidTurns`). */
  setScript(script: InterviewScript): void;
}

/** A running simulator. */
export interface RealtimeSimulatorHandle {
  /** `http://127.0.0.1:<port>`: the origin, like `https://api.openai.com`. */
  readonly url: string;
  /** `url` + `/v1`: what the `openai` SDK takes as `baseURL`. */
  readonly baseUrl: string;
  /** The standard key (`Authorization: Bearer <apiKey>`). */
  readonly apiKey: string;
  readonly control: RealtimeSimulatorControl;
  /** Ends every call and sideband, then stops listening. */
  close(): Promise<void>;
}

/**
 * Starts a local stand-in for OpenAI's GA Realtime API over WebRTC (REALTIME.md): client secrets,
 * SDP calls answered by a real werift peer, the `oai-events` channel, sideband, hangup, faults.
 * Development and tests only; nothing in the product imports it.
 */
export async function startRealtimeSimulator(options: RealtimeSimulatorOptions = {}): Promise<RealtimeSimulatorHandle> {
  const apiKey = options.apiKey ?? `sk-sim-${randomBytes(18).toString('hex')}`;
  const log = options.log === 'stderr' ? jsonLogger((line) => process.stderr.write(line), () => [apiKey]) : (options.log ?? silentLogger);
  const sim = new RealtimeSimulator({
    apiKey,
    sessionMaxMs: (options.sessionMaxSeconds ?? 3600) * 1000,
    script: options.script ?? DEFAULT_SCRIPT,
    rateLimitPerMinute: options.rateLimitPerMinute,
    transcriptionDelayMs: options.transcriptionDelayMs ?? 300,
    log,
  });
  for (const rule of options.faults ?? []) sim.addFault(rule);

  const handler = createRequestHandler(sim, { demo: options.demo ?? false, log });
  const server = createServer((req, res) => void handler(req, res));
  server.headersTimeout = 10_000;
  server.requestTimeout = 130_000; // above the longest injected answer delay
  const sideband = attachSideband(server, sim, log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  log('listening', { url });

  let closing: Promise<void> | null = null;
  return {
    url,
    baseUrl: `${url}/v1`,
    apiKey,
    control: {
      addFault: (rule) => sim.addFault(rule),
      faultCall: (callId, fault) => sim.faultCall(callId, fault),
      clearFaults: () => sim.faults.clear(),
      expireKeys: () => sim.keys.expireAll(),
      calls: () => sim.snapshots(),
      call: (callId) => sim.snapshot(callId),
      hangup: (callId) => sim.hangup(callId),
      setSessionMaxSeconds: (seconds) => {
        sim.sessionMaxMs = seconds * 1000;
      },
      setScript: (script) => {
        sim.script = script;
      },
    },
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        sideband.close();
        await sim.close();
        server.closeAllConnections();
        await stopped;
        log('closed');
      })();
      return closing;
    },
  };
}
