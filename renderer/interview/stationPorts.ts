import { MAX_APPEND_BATCH, transcriptKeyString, type Result, type StationApi, type TranscriptEntryInput } from '@interview-station/contracts';
import type { AppendOutcome, InterviewPorts, InterviewStateEvent, RestorableInterview, ServiceChecks } from './ports';

/**
 * Adapts `window.station` to `InterviewPorts`: each port is one channel of contracts/ipc.ts.
 */
export function createStationPorts(station: StationApi): InterviewPorts {
  return {
    getConfig: () => station.config.get(),

    listTemplates: async () => {
      const result = await station.interview.templates();
      return result.ok ? { ok: true, value: result.value.templates } : result;
    },

    startInterview: async ({ templateId, candidateRef, companyId, consent }) => {
      const result = await station.interview.start({ templateId, candidateRef, consent, ...(companyId ? { companyId } : {}) });
      if (!result.ok) return result;
      const { sessionId, architecture, model, maxDurationSeconds, startedAt, iceServers } = result.value;
      return { ok: true, value: { sessionId, architecture, model, maxDurationSeconds, startedAt, iceServers } };
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

    // One call per session per batch (the renderer flushes about every 100 ms), split at the
    // channel's limit: fewer round trips, and within the router's in-flight bounds.
    appendTranscripts: async (entries) => {
      const outcome: { stored: string[]; failed: { key: string; retryable: boolean; message: string }[] } = { stored: [], failed: [] };
      const calls: { keys: string[]; promise: ReturnType<StationApi['transcript']['appendBatch']> }[] = [];
      for (const [sessionId, group] of groupBySession(entries)) {
        for (let at = 0; at < group.length; at += MAX_APPEND_BATCH) {
          const chunk = group.slice(at, at + MAX_APPEND_BATCH);
          calls.push({ keys: chunk.map((entry) => transcriptKeyString(entry)), promise: station.transcript.appendBatch({ sessionId, entries: chunk }) });
        }
      }
      for (const { keys, promise } of calls) {
        const result = await promise;
        if (!result.ok) {
          for (const key of keys) outcome.failed.push({ key, retryable: result.error.retryable, message: result.error.message });
          continue;
        }
        for (const item of result.value.results) {
          if ('error' in item) outcome.failed.push({ key: item.key, retryable: item.error.retryable, message: item.error.message });
          else outcome.stored.push(item.key);
        }
      }
      return outcome satisfies AppendOutcome;
    },

    transcriptCounts: async (sessionId) => {
      const result = await station.transcript.list({ sessionId });
      return result.ok ? { ok: true, value: { saved: result.value.entries.length, unsynced: result.value.unsynced } } : result;
    },

    checkServices: async (): Promise<Result<ServiceChecks>> => station.station.health(),

    syncStatus: () => station.sync.status(),
    onSyncStatusChanged: (listener) => station.sync.onStatusChanged(listener),
    onStateChanged: (listener: (event: InterviewStateEvent) => void) => station.interview.onStateChanged(listener),

    activeInterview: async () => {
      const result = await station.interview.active();
      if (!result.ok) return result;
      const found = result.value.interview;
      if (!found) return { ok: true, value: null };
      const { sessionId, architecture, model, maxDurationSeconds, startedAt, iceServers, candidateRef, templateId, consent, liveSince, restoredFrom } = found;
      return {
        ok: true,
        value: {
          session: { sessionId, architecture, model, maxDurationSeconds, startedAt, iceServers },
          candidateRef,
          templateId,
          consent,
          liveSince: liveSince === null ? null : Date.parse(liveSince),
          restoredFrom,
        } satisfies RestorableInterview,
      };
    },

    savedTranscript: async (sessionId) => {
      const result = await station.transcript.list({ sessionId });
      if (!result.ok) return result;
      const entries = [...result.value.entries].sort((a, b) => Date.parse(a.speechStartedAt) - Date.parse(b.speechStartedAt));
      return { ok: true, value: entries.map((e) => ({ key: transcriptKeyString(e), speaker: e.speaker, text: e.content, speechStartedAt: e.speechStartedAt })) };
    },

    listLocalInterviews: async () => {
      const result = await station.interview.listLocal();
      return result.ok ? { ok: true, value: result.value.interviews } : result;
    },

    exportTranscript: (sessionId, format) => station.transcript.export({ sessionId, format }),
  };
}

function groupBySession(entries: readonly TranscriptEntryInput[]): Map<string, TranscriptEntryInput[]> {
  const groups = new Map<string, TranscriptEntryInput[]>();
  for (const entry of entries) {
    const group = groups.get(entry.sessionId) ?? [];
    group.push(entry);
    groups.set(entry.sessionId, group);
  }
  return groups;
}
