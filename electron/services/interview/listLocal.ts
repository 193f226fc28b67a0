import type { IpcOutput, LocalInterview } from '@interview-station/contracts';
import type { JournalStore } from '../journal/journalStore';
import type { LocalInterviews } from './localInterviews';

/**
 * `interview:list-local`: every interview held on this station, newest first: the ones in this
 * station's register and any journal on disk without one (started before the register existed),
 * each with the entries saved here and how many the server has not confirmed.
 */
export async function listLocalInterviews(deps: {
  journals: Pick<JournalStore, 'sessionIds' | 'session'>;
  register: Pick<LocalInterviews, 'all'>;
  activeIds: readonly string[];
  pendingEndIds: readonly string[];
}): Promise<IpcOutput<'interview:list-local'>> {
  const byId = new Map(deps.register.all().map((record) => [record.sessionId.toLowerCase(), record]));
  const ids = new Set([...byId.keys(), ...(await deps.journals.sessionIds()).map((id) => id.toLowerCase())]);
  const active = new Set(deps.activeIds.map((id) => id.toLowerCase()));
  const pending = new Set(deps.pendingEndIds.map((id) => id.toLowerCase()));
  const interviews: LocalInterview[] = [];
  for (const sessionId of ids) {
    const record = byId.get(sessionId);
    const journal = await deps.journals.session(sessionId);
    interviews.push({
      sessionId,
      candidateRef: record && record.candidateRef !== 'unknown' ? record.candidateRef : null,
      startedAt: record?.startedAt ?? null,
      endedAt: record?.endedAt ?? null,
      saved: journal.list().length,
      unsynced: journal.unsynced().length,
      active: active.has(sessionId),
      endPending: pending.has(sessionId) || record?.pendingEnd != null,
    });
  }
  // Newest first; journals without a register record last.
  return { interviews: interviews.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '')).slice(0, 10_000) };
}
