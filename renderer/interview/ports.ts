import type {
  ConnectionMode,
  EndReason,
  IceServer,
  InterviewEndResponse,
  PublicConfig,
  Result,
  SyncStatus,
  TranscriptEntryInput,
} from '@interview-station/contracts';

/**
 * Everything the interview screens need from the main process, as one small interface. The UI and
 * hooks depend on this, never on `window.station` directly, so the flow can be tested with fakes and
 * the main-process side can grow (templates, consent, state events) without touching the screens.
 * `createStationPorts()` (stationPorts.ts) adapts `window.station` to it.
 */
export interface InterviewPorts {
  /** The station's public configuration: connection mode, `maxInterviewMinutes`, `allowedMicrophones`. */
  getConfig(): Promise<Result<PublicConfig>>;
  /** The interview templates the signed-in user may start on this station. */
  listTemplates(): Promise<Result<readonly InterviewTemplateOption[]>>;
  /** Creates the session (edge function `interview-start`) with the candidate's consent. */
  startInterview(input: StartInterviewInput): Promise<Result<StartedInterview>>;
  /** Direct mode only: one short-lived ephemeral key per connection attempt. */
  getRealtimeToken(sessionId: string): Promise<Result<RealtimeToken>>;
  /** Hybrid mode only: main relays the offer through the token service's SDP proxy. */
  exchangeSdpViaProxy(sessionId: string, offerSdp: string): Promise<Result<{ readonly sdp: string; readonly callId: string }>>;
  /** The data channel is open: the session's history records the interview as live. */
  markLive(sessionId: string): Promise<Result<unknown>>;
  endInterview(sessionId: string, reason: EndReason): Promise<Result<InterviewEndResponse>>;
  /** Appends final entries; resolves once each is durable in the journal (or failed). */
  appendTranscripts(entries: readonly TranscriptEntryInput[]): Promise<AppendOutcome>;
  /** Entries kept on this machine for a session, and how many of them are not synced yet. */
  transcriptCounts(sessionId: string): Promise<Result<TranscriptCounts>>;
  /** Whether the services an interview needs answer (device check readiness). */
  checkServices(): Promise<Result<ServiceChecks>>;
  syncStatus(): Promise<Result<SyncStatus>>;
  onSyncStatusChanged(listener: (status: SyncStatus) => void): () => void;
  /** What main and the token service learn during an interview (ended remotely, sideband, uploads). */
  onStateChanged(listener: (event: InterviewStateEvent) => void): () => void;
  /** The interview this station started and has not ended (after a crash, restart or reload), or null. */
  activeInterview(): Promise<Result<RestorableInterview | null>>;
  /** What this station's journal holds for a session, in speech order. */
  savedTranscript(sessionId: string): Promise<Result<readonly SavedEntry[]>>;
  /** The interviews held on this station (proctor/recruiter list). */
  listLocalInterviews(): Promise<Result<readonly LocalInterview[]>>;
  exportTranscript(sessionId: string, format: 'json' | 'text'): Promise<Result<{ readonly filename: string; readonly mimeType: string; readonly content: string }>>;
}

/** An interview to take up again: the session as the room needs it, and what check-in gave. */
export interface RestorableInterview {
  readonly session: StartedInterview;
  readonly candidateRef: string;
  readonly templateId: string;
  readonly consent: ConsentRecord;
  /** Epoch ms of its first live moment, or null. */
  readonly liveSince: number | null;
  readonly restoredFrom: 'run' | 'restart';
}

/** One journaled entry, as the restored view shows it. */
export interface SavedEntry {
  readonly key: string;
  readonly speaker: 'ai' | 'candidate';
  readonly text: string;
  readonly speechStartedAt: string;
}

/** One interview held on this station. */
export interface LocalInterview {
  readonly sessionId: string;
  readonly candidateRef: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly saved: number;
  readonly unsynced: number;
  readonly active: boolean;
  readonly endPending: boolean;
}

/** One template in the check-in's "Interview" picker. */
export interface InterviewTemplateOption {
  readonly id: string;
  readonly name: string;
  /** The company the template belongs to; null when it is shared across the tenant's companies. */
  readonly companyId: string | null;
  readonly companyName?: string;
  readonly maxDurationSeconds: number;
}

/** What the candidate agreed to at check-in: which notice, and when. */
export interface ConsentRecord {
  readonly noticeVersion: string;
  /** ISO 8601 with offset. */
  readonly acceptedAt: string;
}

/** Input of `startInterview`: what the person picked at check-in. */
export interface StartInterviewInput {
  readonly templateId: string;
  readonly candidateRef: string;
  readonly companyId?: string;
  readonly consent: ConsentRecord;
}

/** A created session as the renderer sees it (no session JWT: main keeps that). */
export interface StartedInterview {
  readonly sessionId: string;
  readonly architecture: ConnectionMode;
  readonly model: string;
  readonly maxDurationSeconds: number;
  readonly startedAt: string;
  /** ICE servers for the offer in both modes (from interview-start's configuration); optional for test fakes. */
  readonly iceServers?: readonly IceServer[];
}

/** Direct mode's ephemeral key and where to post the offer. */
export interface RealtimeToken {
  readonly clientSecret: string;
  readonly expiresAt: string;
  readonly callsUrl: string;
  readonly iceServers: readonly IceServer[];
}

/** Per-entry results of an append, so failed entries can be kept and retried, never dropped. */
export interface AppendOutcome {
  readonly stored: readonly string[];
  readonly failed: readonly { readonly key: string; readonly retryable: boolean; readonly message: string }[];
}

export interface TranscriptCounts {
  readonly saved: number;
  readonly unsynced: number;
}

/** `true`/`false` when checked; `null` when this station cannot check that service. */
export interface ServiceChecks {
  readonly supabase: boolean | null;
  readonly tokenService: boolean | null;
  readonly realtime: boolean | null;
}

/** Pushed by main (`interview:state-changed`; contracts/ipc.ts `InterviewStateEventSchema`). */
export type InterviewStateEvent =
  | { readonly kind: 'session-ended'; readonly sessionId: string; readonly reason: 'max_duration' | 'upstream_closed' | 'server_shutdown' | 'ended_by_client' | 'completed' }
  | { readonly kind: 'time-warning'; readonly sessionId: string; readonly remainingSeconds: number }
  | { readonly kind: 'sideband'; readonly sessionId: string; readonly connected: boolean }
  | { readonly kind: 'transcript-upload'; readonly sessionId: string; readonly healthy: boolean };
