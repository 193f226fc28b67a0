-- Final transcript entries, one row per utterance. The key (session_id, item_id, content_index) is
-- the same whichever path delivered the entry (the station's data channel or the token service's
-- sideband), so retries and both paths converge on one row. Append-only for every authenticated
-- user; only the service role may correct or delete.

create type public.transcript_speaker as enum ('ai', 'candidate');
create type public.transcript_source as enum ('client', 'sideband');

create table public.transcript_entries (
  id uuid primary key default gen_random_uuid(),
  -- Arrival order across the table; entries are shown by "timestamp" (speech start), not by this.
  seq bigint generated always as identity unique,
  tenant_id uuid not null,
  session_id uuid not null,
  item_id text not null check (item_id ~ '^[A-Za-z0-9_.-]{1,128}$'),
  content_index integer not null check (content_index between 0 and 1000),
  speaker public.transcript_speaker not null,
  content text not null check (length(content) <= 20000),
  -- When the speech started (the reference design's column name).
  "timestamp" timestamptz not null,
  source public.transcript_source not null,
  confidence real check (confidence between 0 and 1),
  received_at timestamptz not null,
  metadata jsonb not null default '{}'::jsonb,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  unique (session_id, item_id, content_index),
  foreign key (tenant_id, session_id) references public.interview_sessions (tenant_id, id) on delete cascade
);
create index transcript_entries_session_time_idx on public.transcript_entries (session_id, "timestamp");

/** How long after a session ended its transcripts may still arrive (an offline station's backlog). */
create function app.transcript_grace() returns interval
  language sql immutable
as $$ select interval '24 hours' $$;
grant execute on function app.transcript_grace() to authenticated, service_role;

alter table public.transcript_entries enable row level security;
revoke all on public.transcript_entries from anon;
revoke update, delete, truncate on public.transcript_entries from authenticated;
-- Recruiters and admins read the tenant's transcripts; a proctor only those of sessions they ran.
create policy transcript_entries_select on public.transcript_entries for select to authenticated
  using (
    tenant_id = (select app.jwt_tenant_id())
    and (
      (select app.has_role('{admin,recruiter}'))
      or (
        (select app.has_role('{proctor}'))
        and exists (
          select 1 from public.interview_sessions s
          where s.id = session_id and s.created_by = (select auth.uid())
        )
      )
    )
  );
-- Proctors (the station's signed-in user) append entries to their tenant's sessions that are
-- running or ended within the grace period.
create policy transcript_entries_insert on public.transcript_entries for insert to authenticated
  with check (
    tenant_id = (select app.jwt_tenant_id())
    and (select app.has_role('{proctor}'))
    and exists (
      select 1 from public.interview_sessions s
      where s.id = session_id
        and s.tenant_id = transcript_entries.tenant_id
        and (s.ended_at is null or s.ended_at > now() - app.transcript_grace())
    )
  );
