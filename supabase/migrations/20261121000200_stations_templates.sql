-- Stations (the enrolled kiosk machines of a tenant) and interview templates (what the AI
-- interviewer is told and how). Members read both; admins manage stations; admins and recruiters
-- author templates.

create table public.stations (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  enrolled_at timestamptz not null default now(),
  last_seen_at timestamptz,
  -- A disabled station keeps its history but cannot start interviews.
  disabled_at timestamptz,
  unique (tenant_id, id)
);

create table public.interview_templates (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  company_id uuid,
  name text not null check (length(name) between 1 and 200),
  model text not null default 'gpt-realtime' check (length(model) between 1 and 200),
  voice text not null default 'marin'
    check (voice in ('alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar')),
  instructions text not null check (length(instructions) <= 20000),
  language text check (length(language) between 2 and 16),
  max_duration_seconds integer not null default 1800 check (max_duration_seconds between 10 and 7200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, company_id) references public.companies (tenant_id, id) on delete cascade
);

alter table public.stations enable row level security;
revoke all on public.stations from anon;
create policy stations_select on public.stations for select to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin,recruiter,proctor}')));
create policy stations_insert on public.stations for insert to authenticated
  with check (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin}')));
create policy stations_update on public.stations for update to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin}')))
  with check (tenant_id = (select app.jwt_tenant_id()));
create policy stations_delete on public.stations for delete to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin}')));

alter table public.interview_templates enable row level security;
revoke all on public.interview_templates from anon;
create policy interview_templates_select on public.interview_templates for select to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin,recruiter,proctor}')));
create policy interview_templates_insert on public.interview_templates for insert to authenticated
  with check (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin,recruiter}')));
create policy interview_templates_update on public.interview_templates for update to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin,recruiter}')))
  with check (tenant_id = (select app.jwt_tenant_id()));
create policy interview_templates_delete on public.interview_templates for delete to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin}')));
