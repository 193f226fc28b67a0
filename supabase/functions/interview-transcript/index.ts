// interview-transcript: a batch of final transcript entries from a station. Idempotent: the
// deterministic key (session_id, item_id, content_index) and ON CONFLICT DO NOTHING make every
// retry safe, and the response says how many were new and how many were already stored.
import { LIMITS } from '../_shared/contracts/common.ts';
import { TranscriptBatchRequestSchema, type TranscriptBatchResponse } from '../_shared/contracts/edge.ts';
import { asCaller, requireProctor } from '../_shared/db.ts';
import { defineFunction } from '../_shared/handler.ts';
import { HttpError } from '../_shared/http.ts';

const handler = defineFunction({
  name: 'interview-transcript',
  request: TranscriptBatchRequestSchema,
  // A full batch of maximum-length entries, plus JSON overhead.
  maxBodyBytes: LIMITS.transcriptBatch * (LIMITS.transcriptContent * 2 + 1024),
  // The token service forwards sideband transcripts with the session's own JWT.
  sessionPermission: 'transcript:write',
  async handle({ caller, body, env }): Promise<TranscriptBatchResponse> {
    if (caller.sessionScope !== undefined && caller.sessionScope !== body.sessionId) {
      throw HttpError.of('NOT_AUTHORIZED', 'sessionId: the session token is for another session', 'sessionId');
    }
    const accepted = await asCaller(env, caller, async (tx) => {
      const [session] = await tx<{ tenant_id: string; too_late: boolean }[]>`
        select tenant_id, coalesce(ended_at < now() - app.transcript_grace(), false) as too_late
        from public.interview_sessions where id = ${body.sessionId}`;
      // Another tenant's session is invisible under RLS: same answer as one that does not exist.
      if (!session) throw HttpError.of('SESSION_NOT_FOUND', 'sessionId: no such session', 'sessionId');
      if (session.too_late) throw HttpError.of('SESSION_ENDED', 'the session ended too long ago to accept transcripts');
      await requireProctor(tx, 'uploads transcripts');
      const rows = body.entries.map((e) => ({
        item_id: e.itemId,
        content_index: e.contentIndex,
        speaker: e.speaker,
        content: e.content,
        ts: e.speechStartedAt,
        source: e.source,
        confidence: e.confidence ?? null,
        received_at: e.receivedAt,
      }));
      // No conflict target on purpose: with one, Postgres requires the caller to be able to SELECT
      // the existing row, and a proctor may only read transcripts of sessions they started (another
      // proctor re-delivering after taking over a station would fail). The only unique key a
      // client-supplied row can hit is (session_id, item_id, content_index).
      const result = await tx`
        insert into public.transcript_entries
          (tenant_id, session_id, item_id, content_index, speaker, content, "timestamp", source, confidence, received_at, created_by)
        select ${session.tenant_id}, ${body.sessionId}, r.item_id, r.content_index, r.speaker::public.transcript_speaker,
               r.content, r.ts, r.source::public.transcript_source, r.confidence, r.received_at, ${caller.userId}
        from jsonb_to_recordset(${tx.json(rows)}) as r(
          item_id text, content_index int, speaker text, content text, ts timestamptz,
          source text, confidence real, received_at timestamptz)
        on conflict do nothing`;
      return result.count;
    });
    return { accepted, duplicates: body.entries.length - accepted };
  },
});

Deno.serve(handler);
