import { fail, stationError, transcriptKeyString, type Result, type StationApi } from '@interview-station/contracts';
import type { AppendOutcome, InterviewPorts, InterviewStateEvent, ServiceChecks } from './ports';

/**
 * Adapts today's `window.station` to `InterviewPorts`. What main does not offer yet is marked
 * `TODO(main)` and answers a typed NOT_IMPLEMENTED error (or, for push events, never fires), so the
 * screens already handle it; each TODO names the contract the lead must add.
 */
export function createStationPorts(station: StationApi): InterviewPorts {
  return {
    getConfig: () => station.config.get(),

    // TODO(main): channel `interview:templates`, input {} → output
    // { templates: { id: uuid, name: ShortText, companyId: uuid | null, companyName?: ShortText, maxDurationSeconds: int 10..7200 }[] }
    // (the `station-context` data, filtered to what the signed-in user may start).
    listTemplates: () => Promise.resolve(notImplemented('The station cannot list interview templates yet (main needs interview:templates).')),

    startInterview: async ({ templateId, candidateRef, companyId }) => {
      // TODO(main): `interview:start` input gains `consent: { noticeVersion: string 1..32, acceptedAt: ISO datetime }`,
      // recorded with the session (migration, under RLS); its output gains `iceServers: IceServer[]` (both modes).
      // Until then the consent is not persisted; the channel's strict schema would refuse the extra field.
      const result = await station.interview.start(companyId ? { templateId, candidateRef, companyId } : { templateId, candidateRef });
      if (!result.ok) return result;
      const { sessionId, architecture, model, maxDurationSeconds, startedAt } = result.value;
      return { ok: true, value: { sessionId, architecture, model, maxDurationSeconds, startedAt } };
    },

    getRealtimeToken: async (sessionId) => {
      const result = await station.realtime.token({ sessionId });
      if (!result.ok) return result;
      const { clientSecret, expiresAt, callsUrl, iceServers } = result.value;
      return { ok: true, value: { clientSecret, expiresAt, callsUrl, iceServers } };
    },

    exchangeSdpViaProxy: (sessionId, sdp) => station.realtime.sdpOffer({ sessionId, sdp }),
    markLive: (sessionId) => station.interview.live({ sessionId }),
    endInterview: (sessionId, reason) => station.interview.end({ sessionId, reason }),

    // There is no batch channel: the batch goes out as parallel single appends (each fsynced by
    // main's group commit). A `transcript:append-batch` channel would save round trips.
    appendTranscripts: async (entries) => {
      const results = await Promise.all(entries.map((entry) => station.transcript.append(entry)));
      const outcome: { stored: string[]; failed: { key: string; retryable: boolean; message: string }[] } = { stored: [], failed: [] };
      results.forEach((result, index) => {
        const key = transcriptKeyString(entries[index]!);
        if (result.ok) outcome.stored.push(key);
        else outcome.failed.push({ key, retryable: result.error.retryable, message: result.error.message });
      });
      return outcome satisfies AppendOutcome;
    },

    transcriptCounts: async (sessionId) => {
      const result = await station.transcript.list({ sessionId });
      return result.ok ? { ok: true, value: { saved: result.value.entries.length, unsynced: result.value.unsynced } } : result;
    },

    // TODO(main): channel `station:health`, input {} → output { supabase: boolean, tokenService: boolean, realtime: boolean }
    // (main asks each service; the Realtime check goes through the token service). Today only
    // Supabase is known, from `network:state`; the others answer null ("not checked").
    checkServices: async (): Promise<Result<ServiceChecks>> => {
      const network = await station.network.state();
      if (!network.ok) return network;
      return { ok: true, value: { supabase: network.value.supabaseReachable, tokenService: null, realtime: null } };
    },

    syncStatus: () => station.sync.status(),
    onSyncStatusChanged: (listener) => station.sync.onStatusChanged(listener),

    // TODO(main): push event `interview:state-changed` with payload InterviewStateEvent (ports.ts):
    // { kind: 'session-ended', sessionId, reason: SessionEndReason } | { kind: 'time-warning', sessionId, remainingSeconds }
    // | { kind: 'sideband', sessionId, connected } | { kind: 'transcript-upload', sessionId, healthy }.
    onStateChanged: (_listener: (event: InterviewStateEvent) => void) => () => undefined,
  };
}

function notImplemented<T>(message: string): Result<T> {
  return fail(stationError('NOT_IMPLEMENTED', message));
}
