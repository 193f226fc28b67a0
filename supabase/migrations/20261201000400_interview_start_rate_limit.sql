-- Rate limit for interview-start, per user and per tenant (security review, issue 15). Every start
-- creates a session and, behind it, token-service capacity; one user (or a stolen token) must not
-- start them without bound. The counts live here, not in one function instance's memory, so the
-- limit holds however many instances the platform runs.

-- Fail fast instead of queueing behind a long transaction on a live database (squawk).
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- Fixed windows: one row per key and window. Not exposed (schema `app`), no grants to API roles:
-- only app.take_rate_limit (security definer) reads and writes it.
create table app.rate_limit_counters (
  key text not null,
  window_start timestamptz not null,
  hits bigint not null default 0,
  primary key (key, window_start)
);
alter table app.rate_limit_counters enable row level security;
revoke all on app.rate_limit_counters from public;

/**
 * Counts one interview-start by the calling proctor against their own limit and their tenant's,
 * in the current window of `p_window_seconds`; returns 0 when within both limits, otherwise the
 * seconds until the window ends (the Retry-After). Callers that are not proctors of the tenant
 * their token names are not counted (interview-start refuses them anyway), so nobody can spend a
 * tenant's budget without being able to start interviews. Refused attempts count against the
 * caller (hammering keeps them limited until the window ends) but not against the tenant: one
 * user, or one stolen token, spends at most their own limit of the tenant's budget.
 */
create function app.take_interview_start(p_per_user integer, p_per_tenant integer, p_window_seconds integer)
  returns integer
  language plpgsql volatile security definer
  set search_path = ''
as $$
declare
  v_user uuid := auth.uid();
  v_tenant uuid := app.jwt_tenant_id();
  v_window timestamptz;
  v_user_hits bigint;
  v_tenant_hits bigint;
begin
  if p_per_user < 1 or p_per_tenant < 1 or p_window_seconds < 1 then
    raise exception 'rate limits must be positive' using errcode = 'invalid_parameter_value';
  end if;
  if v_user is null or v_tenant is null or not app.has_role('{proctor}') then
    return 0;
  end if;
  v_window := to_timestamp(floor(extract(epoch from now()) / p_window_seconds) * p_window_seconds);
  insert into app.rate_limit_counters as c (key, window_start, hits)
  values ('interview-start:user:' || v_user, v_window, 1)
  on conflict (key, window_start) do update set hits = c.hits + 1
  returning hits into v_user_hits;
  if v_user_hits > p_per_user then
    return greatest(1, ceil(extract(epoch from (v_window + make_interval(secs => p_window_seconds) - clock_timestamp())))::integer);
  end if;
  insert into app.rate_limit_counters as c (key, window_start, hits)
  values ('interview-start:tenant:' || v_tenant, v_window, 1)
  on conflict (key, window_start) do update set hits = c.hits + 1
  returning hits into v_tenant_hits;
  -- Past windows of these two keys are of no further use.
  delete from app.rate_limit_counters
  where key in ('interview-start:user:' || v_user, 'interview-start:tenant:' || v_tenant) and window_start < v_window;
  if v_tenant_hits > p_per_tenant then
    return greatest(1, ceil(extract(epoch from (v_window + make_interval(secs => p_window_seconds) - clock_timestamp())))::integer);
  end if;
  return 0;
end
$$;
revoke all on function app.take_interview_start(integer, integer, integer) from public;
grant execute on function app.take_interview_start(integer, integer, integer) to authenticated;
