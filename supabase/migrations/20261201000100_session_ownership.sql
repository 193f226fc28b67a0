-- A proctor acts only on the interviews they started (security review, issue 15).
--
-- The read policy of transcript_entries already lets a proctor see only the transcripts of sessions
-- they started; the write policies let any proctor of the tenant append to, or end, anyone's
-- session. Every write now follows the same ownership rule as the read: the proctor who started the
-- session (interview_sessions.created_by). Admins keep their tenant-wide notes.
--
-- Where a transcript entry came from (`source`) is the server's statement, not the client's: an
-- entry may say `sideband` only when the request carries the claim `sideband_session_id` for that
-- very session, which the edge function sets only for a verified session JWT (the token service).
-- Supabase Auth never issues that claim, so a user token through the Data API cannot make it.

-- Fail fast instead of queueing behind a long transaction on a live database (squawk).
set local lock_timeout = '5s';
set local statement_timeout = '60s';

/** True when the caller started the session (RLS on interview_sessions applies to the lookup). */
create function app.started_session(p_session_id uuid) returns boolean
  language sql stable
  set search_path = ''
as $$
  select exists (
    select 1 from public.interview_sessions s
    where s.id = p_session_id and s.created_by = (select auth.uid())
  )
$$;
revoke all on function app.started_session(uuid) from public;
grant execute on function app.started_session(uuid) to authenticated, service_role;

drop policy interview_sessions_update on public.interview_sessions;
create policy interview_sessions_update on public.interview_sessions for update to authenticated
  using (
    tenant_id = (select app.jwt_tenant_id())
    and (select app.has_role('{proctor}'))
    and created_by = (select auth.uid())
  )
  with check (tenant_id = (select app.jwt_tenant_id()) and created_by = (select auth.uid()));

drop policy transcript_entries_insert on public.transcript_entries;
create policy transcript_entries_insert on public.transcript_entries for insert to authenticated
  with check (
    tenant_id = (select app.jwt_tenant_id())
    and (select app.has_role('{proctor}'))
    and created_by = (select auth.uid())
    and exists (
      select 1 from public.interview_sessions s
      where s.id = session_id
        and s.tenant_id = transcript_entries.tenant_id
        and s.created_by = (select auth.uid())
        and (s.ended_at is null or s.ended_at > now() - app.transcript_grace())
    )
    and (source = 'client' or (select auth.jwt() ->> 'sideband_session_id') = session_id::text)
  );

drop policy session_events_insert on public.session_events;
create policy session_events_insert on public.session_events for insert to authenticated
  with check (
    tenant_id = (select app.jwt_tenant_id())
    and actor = (select auth.uid())
    and event_type like 'note.%'
    and (
      (select app.has_role('{admin}'))
      or ((select app.has_role('{proctor}')) and app.started_session(session_id))
    )
  );
