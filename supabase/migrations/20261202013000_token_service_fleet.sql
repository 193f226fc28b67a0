-- The token service as a fleet (issue 13). Fly runs several machines of the token service; what
-- must hold across all of them lives here, in the Postgres the platform already runs:
--   * who owns each live session (its SDP proxy socket, sideband capture, end and per-session
--     limit): a lease per session, renewed by its machine's heartbeat, taken over atomically once
--     it lapses (a dead machine) or handed back on a drain;
--   * the rate limits: token buckets per tenant and per session, shared by every machine.
-- And the token service's own least-privilege role, `token_service`: it reads the session and
-- template columns it configures calls from, and calls the functions below; nothing else.
--
-- On hosted Supabase give the role a login and a password once (never in a migration):
--   alter role token_service with login password '<secret>';
-- and set the token service's DATABASE_URL to postgres://token_service:<secret>@<db host>/postgres.

-- Fail fast instead of queueing behind a long transaction on a live database (squawk).
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- Roles are per cluster, not per database: a role left by an earlier database of the same cluster is reused.
do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'token_service') then
    create role token_service nologin noinherit;
  end if;
end
$$;

grant usage on schema public to token_service;
grant usage on schema app to token_service;

-- What configures a call (proxy-service/src/sessionSettings.ts), column by column; every tenant's,
-- because the service serves every tenant (it filters by the tenant of the verified session JWT).
grant select (id, tenant_id, template_id, status, architecture, session_data) on public.interview_sessions to token_service;
grant select (id, tenant_id, model, voice, instructions, language, max_duration_seconds) on public.interview_templates to token_service;
create policy interview_sessions_token_service on public.interview_sessions for select to token_service using (true);
create policy interview_templates_token_service on public.interview_templates for select to token_service using (true);

-- One row per session some machine serves. Not exposed (schema `app`), no grants: only the
-- security-definer functions below read and write it.
create table app.token_service_owners (
  session_id uuid primary key references public.interview_sessions (id) on delete cascade,
  tenant_id uuid not null,
  -- Fly's machine id (`fly-replay: instance=<id>` routes to it).
  machine_id text not null check (machine_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  lease_until timestamptz not null,
  -- The realtime call the session's sideband listens to; a new owner re-attaches to it.
  call_id text check (length(call_id) between 1 and 128),
  -- Whom the session JWT names, and until when: a new owner forwards the sideband's transcripts
  -- with a token for this session alone (no token is stored).
  subject uuid not null,
  token_expires_at timestamptz not null,
  takeovers bigint not null default 0,
  claimed_at timestamptz not null default now()
);
create index token_service_owners_machine_idx on app.token_service_owners (machine_id);
create index token_service_owners_lease_idx on app.token_service_owners (lease_until);
alter table app.token_service_owners enable row level security;
revoke all on app.token_service_owners from public;

-- Token buckets shared by the fleet: `tokens` as of `updated_at`, refilled continuously.
create table app.token_service_buckets (
  key text primary key check (length(key) between 1 and 200),
  tokens double precision not null,
  updated_at timestamptz not null
);
alter table app.token_service_buckets enable row level security;
revoke all on app.token_service_buckets from public;

/**
 * Claims a session for `p_machine`, or finds its owner: the caller becomes (or stays) the owner
 * when nobody holds a lease, the lease is its own, or the lease has lapsed (the owner died); else
 * the current owner is returned unchanged. Atomic: one statement on the session's row, so of two
 * machines claiming a lapsed session at once exactly one wins and the other is told its id.
 * A session that does not exist in the tenant, or has ended, returns no row.
 */
create function app.token_service_claim(
  p_session uuid,
  p_tenant uuid,
  p_subject uuid,
  p_token_expires_at timestamptz,
  p_machine text,
  p_lease_seconds integer
) returns table (owner text, call_id text, taken_over boolean)
  language plpgsql volatile security definer
  set search_path = ''
as $$
declare
  v_until timestamptz := clock_timestamp() + make_interval(secs => p_lease_seconds);
  v_row app.token_service_owners%rowtype;
begin
  if p_lease_seconds < 1 or p_lease_seconds > 3600 then
    raise exception 'lease must be 1..3600 seconds' using errcode = 'invalid_parameter_value';
  end if;
  perform 1 from public.interview_sessions as s
  where s.id = p_session and s.tenant_id = p_tenant and s.status in ('created', 'connecting', 'live');
  if not found then
    return;
  end if;
  insert into app.token_service_owners (session_id, tenant_id, machine_id, lease_until, subject, token_expires_at)
  values (p_session, p_tenant, p_machine, v_until, p_subject, p_token_expires_at)
  on conflict on constraint token_service_owners_pkey do nothing;
  if found then
    return query select p_machine, null::text, false;
    return;
  end if;
  -- The row exists: lock it, so concurrent claimers decide one after the other on its latest state.
  select * into v_row from app.token_service_owners as o where o.session_id = p_session and o.tenant_id = p_tenant for update;
  if not found then
    return;
  end if;
  if v_row.machine_id <> p_machine and v_row.lease_until >= clock_timestamp() then
    return query select v_row.machine_id, v_row.call_id, false;
    return;
  end if;
  update app.token_service_owners as o
  set machine_id = p_machine,
      lease_until = v_until,
      token_expires_at = greatest(o.token_expires_at, p_token_expires_at),
      takeovers = o.takeovers + (v_row.machine_id <> p_machine)::integer,
      claimed_at = case when v_row.machine_id = p_machine then o.claimed_at else now() end
  where o.session_id = p_session;
  return query select p_machine, v_row.call_id, v_row.machine_id <> p_machine;
end
$$;

/** Renews every lease `p_machine` holds; returns the sessions it still owns (a lost one is dropped). */
create function app.token_service_heartbeat(p_machine text, p_lease_seconds integer)
  returns setof uuid
  language sql volatile security definer
  set search_path = ''
as $$
  update app.token_service_owners
  set lease_until = clock_timestamp() + make_interval(secs => least(greatest(p_lease_seconds, 1), 3600))
  where machine_id = p_machine
  returning session_id;
$$;

/** Records the realtime call an owned session uses (so a new owner can listen to it). */
create function app.token_service_set_call(p_machine text, p_session uuid, p_call_id text)
  returns boolean
  language sql volatile security definer
  set search_path = ''
as $$
  with changed as (
    update app.token_service_owners set call_id = p_call_id
    where session_id = p_session and machine_id = p_machine
    returning 1
  )
  select exists (select 1 from changed);
$$;

/**
 * Gives up `p_machine`'s sessions. One session (it ended): its row goes. With a null session (a
 * drain): every lease it holds lapses now, keeping the call id, so the next machine that gets a
 * request for one (or sweeps) takes it over at once and re-attaches to the call.
 */
create function app.token_service_release(p_machine text, p_session uuid default null)
  returns integer
  language plpgsql volatile security definer
  set search_path = ''
as $$
declare
  v_released integer;
begin
  if p_session is null then
    update app.token_service_owners set lease_until = clock_timestamp() - interval '1 millisecond'
    where machine_id = p_machine;
  else
    delete from app.token_service_owners where machine_id = p_machine and session_id = p_session;
  end if;
  get diagnostics v_released = row_count;
  return v_released;
end
$$;

/**
 * The sweep a machine runs every few seconds: takes over (at most `p_limit`) sessions whose lease
 * lapsed and that are still open, returning what it needs to resume their sideband; forgets the
 * owners of sessions that ended and buckets idle for an hour. Rows another machine is taking over
 * at the same moment are skipped (`skip locked`), so each lapsed session gets exactly one new owner.
 */
create function app.token_service_sweep(p_machine text, p_lease_seconds integer, p_limit integer default 100)
  returns table (session_id uuid, tenant_id uuid, subject uuid, token_expires_at timestamptz, call_id text)
  language plpgsql volatile security definer
  set search_path = ''
as $$
begin
  delete from app.token_service_owners as o
  using public.interview_sessions as s
  where s.id = o.session_id and s.status not in ('created', 'connecting', 'live');
  delete from app.token_service_buckets as b where b.updated_at < clock_timestamp() - interval '1 hour';
  return query
  with lapsed as (
    select o.session_id from app.token_service_owners as o
    where o.lease_until < clock_timestamp()
    order by o.lease_until
    limit least(greatest(p_limit, 1), 1000)
    for update skip locked
  )
  update app.token_service_owners as o
  set machine_id = p_machine,
      lease_until = clock_timestamp() + make_interval(secs => least(greatest(p_lease_seconds, 1), 3600)),
      takeovers = o.takeovers + 1,
      claimed_at = now()
  from lapsed
  where o.session_id = lapsed.session_id
  returning o.session_id, o.tenant_id, o.subject, o.token_expires_at, o.call_id;
end
$$;

/**
 * Takes one token from the bucket `p_key` (capacity `p_burst`, refilled at `p_per_minute`):
 * returns 0 when granted, else the whole seconds until a token is due (the Retry-After). The row
 * lock serialises the machines: the bucket is exact fleet-wide.
 */
create function app.token_service_take(p_key text, p_per_minute integer, p_burst integer)
  returns integer
  language plpgsql volatile security definer
  set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
  v_rate double precision;
  v_tokens double precision;
begin
  if p_per_minute < 1 or p_burst < 1 then
    raise exception 'rate limits must be positive' using errcode = 'invalid_parameter_value';
  end if;
  v_rate := p_per_minute / 60.0;
  insert into app.token_service_buckets as b (key, tokens, updated_at)
  values (p_key, p_burst, v_now)
  on conflict (key) do update
    set tokens = least(p_burst::double precision, b.tokens + greatest(0, extract(epoch from (v_now - b.updated_at))) * v_rate),
        updated_at = v_now
  returning b.tokens into v_tokens;
  if v_tokens >= 1 then
    update app.token_service_buckets set tokens = tokens - 1 where key = p_key;
    return 0;
  end if;
  return greatest(1, ceil((1 - v_tokens) / v_rate))::integer;
end
$$;

revoke all on function app.token_service_claim(uuid, uuid, uuid, timestamptz, text, integer) from public;
revoke all on function app.token_service_heartbeat(text, integer) from public;
revoke all on function app.token_service_set_call(text, uuid, text) from public;
revoke all on function app.token_service_release(text, uuid) from public;
revoke all on function app.token_service_sweep(text, integer, integer) from public;
revoke all on function app.token_service_take(text, integer, integer) from public;
grant execute on function app.token_service_claim(uuid, uuid, uuid, timestamptz, text, integer) to token_service;
grant execute on function app.token_service_heartbeat(text, integer) to token_service;
grant execute on function app.token_service_set_call(text, uuid, text) to token_service;
grant execute on function app.token_service_release(text, uuid) to token_service;
grant execute on function app.token_service_sweep(text, integer, integer) to token_service;
grant execute on function app.token_service_take(text, integer, integer) to token_service;
