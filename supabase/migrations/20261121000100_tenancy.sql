-- Tenancy: tenants, their companies, and who belongs to a tenant in which role.
-- A user's tenant comes only from the signed JWT's `app_metadata.tenant_id` (set by the service
-- role, never editable by the user); `user_metadata` is ignored everywhere. The role comes from
-- `tenant_members`, so both the token and the database must agree before a policy lets a row through.

create type public.tenant_role as enum ('admin', 'recruiter', 'proctor');

-- Helpers for policies live outside `public`, so the Data API never exposes them.
create schema app;
grant usage on schema app to authenticated, service_role;

create table public.tenants (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now()
);

create table public.companies (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  name text not null check (length(name) between 1 and 200),
  created_at timestamptz not null default now(),
  -- Lets other tables reference (tenant_id, id) so a row can never point into another tenant.
  unique (tenant_id, id)
);

create table public.tenant_members (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.tenant_role not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, user_id)
);
create index tenant_members_user_idx on public.tenant_members (user_id);

/** The caller's tenant from the signed JWT's app_metadata; null when absent or not a uuid. */
create function app.jwt_tenant_id() returns uuid
  language sql stable
  set search_path = ''
as $$
  select case
    when (auth.jwt() -> 'app_metadata' ->> 'tenant_id')
      ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
    then (auth.jwt() -> 'app_metadata' ->> 'tenant_id')::uuid
  end
$$;

-- Security definer so policies on tenant_members itself can call it without recursing into RLS.
create function app.has_role(allowed public.tenant_role[]) returns boolean
  language sql stable security definer
  set search_path = ''
as $$
  select exists (
    select 1 from public.tenant_members m
    where m.user_id = auth.uid()
      and m.tenant_id = app.jwt_tenant_id()
      and m.role = any (allowed)
  )
$$;

revoke all on function app.jwt_tenant_id(), app.has_role(public.tenant_role[]) from public;
grant execute on function app.jwt_tenant_id(), app.has_role(public.tenant_role[]) to authenticated, service_role;

-- tenants: members read their own tenant; admins rename it; rows are created by the service role.
alter table public.tenants enable row level security;
revoke all on public.tenants from anon;
create policy tenants_select on public.tenants for select to authenticated
  using (id = (select app.jwt_tenant_id()) and (select app.has_role('{admin,recruiter,proctor}')));
create policy tenants_update on public.tenants for update to authenticated
  using (id = (select app.jwt_tenant_id()) and (select app.has_role('{admin}')))
  with check (id = (select app.jwt_tenant_id()));

-- companies: members read; admins manage.
alter table public.companies enable row level security;
revoke all on public.companies from anon;
create policy companies_select on public.companies for select to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin,recruiter,proctor}')));
create policy companies_insert on public.companies for insert to authenticated
  with check (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin}')));
create policy companies_update on public.companies for update to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin}')))
  with check (tenant_id = (select app.jwt_tenant_id()));
create policy companies_delete on public.companies for delete to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin}')));

-- tenant_members: everyone sees their own membership, admins see and manage the tenant's.
alter table public.tenant_members enable row level security;
revoke all on public.tenant_members from anon;
create policy tenant_members_select on public.tenant_members for select to authenticated
  using (
    tenant_id = (select app.jwt_tenant_id())
    and (user_id = (select auth.uid()) or (select app.has_role('{admin}')))
  );
create policy tenant_members_insert on public.tenant_members for insert to authenticated
  with check (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin}')));
create policy tenant_members_update on public.tenant_members for update to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin}')))
  with check (tenant_id = (select app.jwt_tenant_id()));
create policy tenant_members_delete on public.tenant_members for delete to authenticated
  using (tenant_id = (select app.jwt_tenant_id()) and (select app.has_role('{admin}')));
