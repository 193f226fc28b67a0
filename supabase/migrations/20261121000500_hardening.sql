-- Hardening after review.
--
-- 1. session_data records the configuration an interview runs with (written by interview-start on
--    insert) and the token service reads model, voice and duration from it: a proctor must not be
--    able to rewrite it afterwards and bypass the template, which only admins and recruiters edit.
revoke update (session_data) on public.interview_sessions from authenticated;

-- 2. The audit log's system events (session.created, session.status_changed) come only from the
--    security-definer trigger; users may add notes, never forge system events.
drop policy session_events_insert on public.session_events;
create policy session_events_insert on public.session_events for insert to authenticated
  with check (
    tenant_id = (select app.jwt_tenant_id())
    and (select app.has_role('{admin,proctor}'))
    and actor = (select auth.uid())
    and event_type like 'note.%'
  );

-- 3. A transcript row names its author truthfully.
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
        and (s.ended_at is null or s.ended_at > now() - app.transcript_grace())
    )
  );
