// interview-end: moves a session to its final status with the end reason, and reports how many
// transcript entries are stored. Ending twice is not an error: a retry after a lost response gets
// the session's final state back unchanged.
import { InterviewEndRequestSchema, type EndReason, type InterviewEndResponse, type SessionStatus } from '../_shared/contracts/edge.ts';
import { asCaller, requireProctor, requireStartedBy } from '../_shared/db.ts';
import { defineFunction } from '../_shared/handler.ts';
import { HttpError } from '../_shared/http.ts';
import { countTranscripts } from '../_shared/serviceRole.ts';

const TERMINAL: SessionStatus[] = ['ended', 'failed', 'abandoned'];

/** A live interview ends; one that never went live is abandoned; errors fail it either way. */
function finalStatus(current: SessionStatus, reason: EndReason): SessionStatus {
  if (reason === 'error' || reason === 'connection_lost') return 'failed';
  return current === 'live' ? 'ended' : 'abandoned';
}

const handler = defineFunction({
  name: 'interview-end',
  request: InterviewEndRequestSchema,
  maxBodyBytes: 8 * 1024,
  async handle({ caller, body, env }): Promise<InterviewEndResponse> {
    const ended = await asCaller(env, caller, async (tx) => {
      await requireProctor(tx, 'ends interviews');
      await requireStartedBy(tx, body.sessionId);
      const [session] = await tx<{ status: SessionStatus; ended_at: Date | null }[]>`
        select status, ended_at from public.interview_sessions where id = ${body.sessionId} for update`;
      if (!session) throw HttpError.of('SESSION_NOT_FOUND', 'sessionId: no such session', 'sessionId');
      if (TERMINAL.includes(session.status) && session.ended_at) return { status: session.status, endedAt: session.ended_at };
      const [row] = await tx<{ status: SessionStatus; ended_at: Date }[]>`
        update public.interview_sessions
        set status = ${finalStatus(session.status, body.reason)}, end_reason = ${body.reason}, end_detail = ${body.detail ?? null}
        where id = ${body.sessionId}
        returning status, ended_at`;
      if (!row) throw HttpError.of('SESSION_NOT_FOUND', 'sessionId: no such session', 'sessionId');
      return { status: row.status, endedAt: row.ended_at };
    });
    return {
      sessionId: body.sessionId,
      status: ended.status,
      endedAt: ended.endedAt.toISOString(),
      transcriptCount: await countTranscripts(env, body.sessionId),
    };
  },
});

Deno.serve(handler);
