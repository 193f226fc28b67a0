-- Interview sessions and their append-only audit log. The allowed status transitions are enforced
-- here, in the database, so no client (nor a buggy function) can resurrect an ended interview:
--   created -> connecting -> live -> ended | failed | abandoned
-- and a session that never went live may still fail or be abandoned.

create type public.session_status as enum ('created', 'connecting', 'live', 'ended', 'failed', 'abandoned');

create table public.interview_sessions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  company_id uuid not null,
  station_id uuid not null,
  template_id uuid not null,
  -- The proctor who started it.
  created_by uuid not null default auth.uid() references auth.users (id),
  -- The recruiter's reference for the candidate, never their name or contact details.
  candidate_ref text not null check (length(candidate_ref) between 1 and 200),
  status public.session_status not null default 'created',
  architecture text not null default 'hybrid' check (architecture in ('hybrid', 'direct')),
  created_at timestamptz not null default now(),
  connecting_at timestamptz,
  started_at timestamptz,
  ended_at timestamptz,
  end_reason text
    check (end_reason in ('completed', 'candidate_left', 'proctor_ended', 'max_duration', 'connection_lost', 'error')),
  end_detail text check (length(end_detail) <= 1000),
  session_data jsonb not null default '{}'::jsonb,
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  -- Composite keys: a session can only point at its own tenant's company, station and template.
  foreign key (tenant_id, company_id) references public.companies (tenant_id, id),
  foreign key (tenant_id, station_id) references public.stations (tenant_id, id),
  foreign key (tenant_id, template_id) references public.interview_templates (tenant_id, id)
);
create index interview_sessions_tenant_created_idx on public.interview_sessions (tenant_id, created_at desc);

create table public.session_events (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  session_id uuid not null,
  event_type text not null check (event_type ~ '^[a-z][a-z_.]{0,63}$'),
  actor uuid default auth.uid(),
  data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, session_id) references public.interview_sessions (tenant_id, id) on delete cascade
);
create index session_events_session_idx on public.session_events (session_id, id);

create function app.check_session_transition() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'created' then
      raise exception 'a session starts in status created, not %', new.status using errcode = 'check_violation';
    end if;
    return new;
  end if;
  if old.status in ('ended', 'failed', 'abandoned') then
    raise exception 'session % has ended (%); it cannot change', old.id, old.status using errcode = 'check_violation';
  end if;
  if new.status is distinct from old.status then
    if not (
      (old.status = 'created' and new.status in ('connecting', 'failed', 'abandoned'))
      or (old.status = 'connecting' and new.status in ('live', 'failed', 'abandoned'))
      or (old.status = 'live' and new.status in ('ended', 'failed', 'abandoned'))
    ) then
      raise exception 'invalid session status transition % -> %', old.status, new.status using errcode = 'check_violation';
    end if;
    case new.status
      when 'connecting' then new.connecting_at := now();
      when 'live' then new.started_at := now();
      else new.ended_at := now();
    end case;
  end if;
  new.updated_at := now();
  return new;
end
$$;

create trigger interview_sessions_transition
  before insert or update on public.interview_sessions
  for each row execute function app.check_session_transition();

-- Every creation and status change lands in the audit log, whoever made it. Security definer
-- because callers may not insert arbitrary audit rows themselves.
create function app.audit_session_change() returns trigger
  language plpgsql security definer
  set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    insert into public.session_events (tenant_id, session_id, event_type, actor, data)
    values (new.tenant_id, new.id, 'session.created', auth.uid(),
            jsonb_build_object('station_id', new.station_id, 'architecture', new.architecture));
  elsif new.status is distinct from old.status then
    insert into public.session_events (tenant_id, session_id, event_type, actor, data)
    values (new.tenant_id, new.id, 'session.status_changed', auth.uid(),
            jsonb_build_object('from', old.status, 'to', new.status, 'end_reason', new.end_reason));
  end if;
  return null;
end
$$;

create trigger interview_sessions_audit
  after insert or update on public.interview_sessions
  for each row execute function app.audit_session_change();

-- The audit log is append-only for everyone; only deleting (retention, tenant removal) remains,
-- and only for roles that bypass RLS.
create function app.forbid_update() returns trigger
  language plpgsql
as $$
begin
  raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege';
end
$$;

create trigger session_events_append_only
  before update on public.session_events
  for each row execute function app.forbid_update();

-- interview_sessions: members read; proctors start sessions on their tenant's active stations and
-- move them through their statuses; nobody but the service role deletes.
alter table public.interview_sessions enable row level security;
revoke all on public.interview_sessions from anon;
revoke update, delete, truncate on public.interview_sessions from authenticated;
grant update (status, end_reason, end_detail, session_data) on public.interview_sessions to authenticated;
create policy interview_sessions_select on public.interview_sessions for select to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin,recruiter,proctor}')));
create policy interview_sessions_insert on public.interview_sessions for insert to authenticated
  with check (
    tenant_id = (select app.jwt_tenant_id())
    and (select app.has_role('{proctor}'))
    and created_by = (select auth.uid())
    and exists (
      select 1 from public.stations s
      where s.id = station_id and s.tenant_id = interview_sessions.tenant_id and s.disabled_at is null
    )
  );
create policy interview_sessions_update on public.interview_sessions for update to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{proctor}')))
  with check (tenant_id = (select app.jwt_tenant_id()));

-- session_events: admins and recruiters read; proctors (and admins) may add notes to their
-- tenant's sessions as themselves.
alter table public.session_events enable row level security;
revoke all on public.session_events from anon;
revoke update, delete, truncate on public.session_events from authenticated;
create policy session_events_select on public.session_events for select to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin,recruiter}')));
create policy session_events_insert on public.session_events for insert to authenticated
  with check (
    tenant_id = (select app.jwt_tenant_id())
    and (select app.has_role('{admin,proctor}'))
    and actor = (select auth.uid())
  );
