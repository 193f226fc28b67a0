/**
 * The shape of devstack/realtime/index.ts as the browser tests see it (type-only, like
 * stackModule.ts): they load it by path at run time, outside their DOM-typed compilation.
 */
export interface CallSnapshot {
  readonly id: string;
  readonly state: 'connecting' | 'open' | 'ended';
  readonly endReason: string | null;
  /** The candidate's audio the simulator received (`voicedMs`: how much of it was speech). */
  readonly inbound: { readonly packets: number; readonly voicedMs: number };
  /** The interviewer's audio the simulator sent. */
  readonly outbound: { readonly packets: number };
  /** What the call was given at its start (`conversation.item.create`), and where the script resumed. */
  readonly context: { readonly items: readonly { readonly role: string; readonly text: string }[]; readonly resumedAtLine: number | null };
  readonly linesSpoken: readonly number[];
}
export type SimulatorFault = { readonly kind: 'refuse-sdp'; readonly status?: 500 | 502 | 503 } | { readonly kind: 'delay-answer'; readonly ms: number };
export interface SimulatorHandle {
  readonly url: string;
  readonly apiKey: string;
  readonly control: {
    addFault(rule: { fault: SimulatorFault; calls?: number | 'all' }): void;
    faultCall(callId: string, fault: { kind: 'drop-peer' | 'close-data-channel' | 'transcription-failed' }): void;
    clearFaults(): void;
    calls(): CallSnapshot[];
    setSessionMaxSeconds(seconds: number): void;
  };
  close(): Promise<void>;
}
export interface RealtimeModule {
  startRealtimeSimulator(options: { script: { lines: readonly string[]; openOnConnect?: boolean } }): Promise<SimulatorHandle>;
  DEFAULT_SCRIPT: { lines: readonly string[] };
}
