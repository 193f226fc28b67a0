// interview-transcript: a batch of final transcript entries from a station. Idempotent: the
// deterministic key (session_id, item_id, content_index) and ON CONFLICT DO NOTHING make every
// retry safe, and the response says how many were new and how many were already stored.
import { LIMITS } from '../_shared/contracts/common.ts';
import { TranscriptBatchRequestSchema, type TranscriptBatchResponse } from '../_shared/contracts/edge.ts';
import { asCaller, requireProctor, requireStartedBy } from '../_shared/db.ts';
import { defineFunction } from '../_shared/handler.ts';
import { HttpError } from '../_shared/http.ts';
import { storeEntries, toRows } from './store.ts';

const handler = defineFunction({
  name: 'interview-transcript',
  request: TranscriptBatchRequestSchema,
  // A full batch of maximum-length entries, plus JSON overhead.
  maxBodyBytes: LIMITS.transcriptBatch * (LIMITS.transcriptContent * 2 + 1024),
  // The token service forwards sideband transcripts with the session's own JWT (x-session-token).
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
      await requireStartedBy(tx, body.sessionId);
      // The function, not the client, says where entries came from: the sideband only when the
      // caller is the token service holding this session's JWT.
      const source = caller.sessionScope === body.sessionId ? 'sideband' : 'client';
      return storeEntries(tx, { tenantId: session.tenant_id, sessionId: body.sessionId, userId: caller.userId }, toRows(body.entries, source));
    });
    return { accepted, duplicates: body.entries.length - accepted };
  },
});

Deno.serve(handler);
