-- Sessions that never end (the station died and never came back, its queued end never delivered)
-- are closed by the server: once a session has been open longer than its template's maximum
-- duration plus a grace period, it becomes `abandoned` (ended_at stamped by the workflow trigger,
-- the change audited in session_events like any other). Counted from when it went live, or from
-- its creation if it never did.
--
-- Hosted Supabase runs it on a schedule with pg_cron (see README, deployment):
--   select cron.schedule('close-stale-sessions', '*/5 * * * *', $$select app.close_stale_sessions()$$);
-- The local stack runs the same function periodically (devstack/supabase/staleSessions.ts).
--
-- `p_now` exists for tests (a session cannot be back-dated: the trigger owns its timestamps); only
-- the service role and the owner may call the function at all.

-- Fail fast instead of queueing behind a long transaction on a live database (squawk).
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create function app.close_stale_sessions(
  p_grace interval default interval '15 minutes',
  p_now timestamptz default now()
) returns integer
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_closed integer;
begin
  if p_grace < interval '0' then
    raise exception 'grace must not be negative' using errcode = 'invalid_parameter_value';
  end if;
  with stale as (
    select s.id
    from public.interview_sessions as s
    inner join public.interview_templates as t on t.tenant_id = s.tenant_id and t.id = s.template_id
    where s.status in ('created', 'connecting', 'live')
      and coalesce(s.started_at, s.created_at)
        + make_interval(secs => least(t.max_duration_seconds, 7200))
        + p_grace < p_now
    for update of s skip locked
  )
  update public.interview_sessions as s
  set status = 'abandoned',
      end_reason = case when s.status = 'live' then 'max_duration' else 'connection_lost' end,
      end_detail = 'closed by the server: no end was reported within the maximum duration plus the grace period'
  from stale
  where s.id = stale.id;
  get diagnostics v_closed = row_count;
  return v_closed;
end
$$;

revoke all on function app.close_stale_sessions(interval, timestamptz) from public;
grant execute on function app.close_stale_sessions(interval, timestamptz) to service_role;

comment on function app.close_stale_sessions(interval, timestamptz) is
  'Marks sessions open past their template maximum plus grace as abandoned; returns how many. Scheduled by pg_cron on hosted Supabase, by the dev stack locally.';
