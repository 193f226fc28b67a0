// interview-status: the station reports an interview's progress, `connecting` (the call is being
// set up) and then `live` (media and events flow), so the session's history and its final status
// (ended rather than abandoned) are true. Idempotent: reporting a step already reached, or passed,
// changes nothing and answers the current status.
import { InterviewStatusRequestSchema, type InterviewStatusResponse, type SessionStatus } from '../_shared/contracts/edge.ts';
import { asCaller, requireProctor, requireStartedBy } from '../_shared/db.ts';
import { defineFunction } from '../_shared/handler.ts';
import { HttpError } from '../_shared/http.ts';

const ORDER: SessionStatus[] = ['created', 'connecting', 'live'];

const handler = defineFunction({
  name: 'interview-status',
  request: InterviewStatusRequestSchema,
  maxBodyBytes: 1024,
  async handle({ caller, body, env }): Promise<InterviewStatusResponse> {
    return asCaller(env, caller, async (tx) => {
      await requireProctor(tx, 'reports interview progress');
      await requireStartedBy(tx, body.sessionId);
      const [session] = await tx<{ status: SessionStatus }[]>`
        select status from public.interview_sessions where id = ${body.sessionId} for update`;
      if (!session) throw HttpError.of('SESSION_NOT_FOUND', 'sessionId: no such session', 'sessionId');
      const current = ORDER.indexOf(session.status);
      const target = ORDER.indexOf(body.status);
      if (current < 0) throw HttpError.of('SESSION_ENDED', `the session has ended (${session.status})`);
      if (current >= target) return { sessionId: body.sessionId, status: session.status };
      // Each step in order, as the database's workflow requires (created → connecting → live).
      for (const step of ORDER.slice(current + 1, target + 1)) {
        await tx`update public.interview_sessions set status = ${step}::public.session_status where id = ${body.sessionId}`;
      }
      return { sessionId: body.sessionId, status: body.status };
    });
  },
});

Deno.serve(handler);
