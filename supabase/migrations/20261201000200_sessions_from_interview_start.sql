-- Sessions are created only by interview-start, and audit columns are the database's (security
-- review, issue 15).
--
-- 1. A proctor could insert interview_sessions rows through the Data API with a configuration of
--    their own in session_data (which the token service trusts for model, voice and duration) and
--    backdated timestamps. Inserting is revoked from `authenticated`; interview-start calls
--    app.create_interview_session, which checks the caller like the old policy did and takes the
--    configuration from the template itself. The `app` schema is not exposed by the Data API
--    (config.toml: api.schemas = ["public"]), and even if it were, the function does exactly what
--    interview-start does and nothing more.
-- 2. created_at / updated_at (and stations.enrolled_at, and a session's step stamps) are set by
--    triggers to the transaction's time on every insert and update, whoever writes: no client,
--    not even the service role, can backdate or rewrite them. A deliberate data fix runs with
--    `session_replication_role = replica`, as any trigger-bypassing repair does.

-- Fail fast instead of queueing behind a long transaction on a live database (squawk).
set local lock_timeout = '5s';
set local statement_timeout = '60s';

revoke insert on public.interview_sessions from authenticated;
drop policy interview_sessions_insert on public.interview_sessions;

/**
 * Creates an interview session for the calling proctor (interview-start's only way to do it):
 * the caller must be a proctor of the tenant their token names, the station active in that tenant,
 * the template the tenant's and, when it belongs to a company, to `p_company_id` (the composite
 * foreign keys check the company). session_data records the template's configuration.
 */
create function app.create_interview_session(
  p_company_id uuid,
  p_template_id uuid,
  p_station_id uuid,
  p_candidate_ref text,
  p_architecture text,
  p_metadata jsonb
) returns public.interview_sessions
  language plpgsql volatile security definer
  set search_path = ''
as $$
declare
  v_tenant uuid := app.jwt_tenant_id();
  v_template public.interview_templates;
  v_session public.interview_sessions;
begin
  if v_tenant is null or auth.uid() is null or not app.has_role('{proctor}') then
    raise exception 'only a proctor of the tenant starts interviews' using errcode = 'insufficient_privilege';
  end if;
  if not exists (
    select 1 from public.stations s where s.id = p_station_id and s.tenant_id = v_tenant and s.disabled_at is null
  ) then
    raise exception 'no active station % in the tenant', p_station_id using errcode = 'foreign_key_violation';
  end if;
  select * into v_template from public.interview_templates t where t.id = p_template_id and t.tenant_id = v_tenant;
  if not found or (v_template.company_id is not null and v_template.company_id <> p_company_id) then
    raise exception 'no template % for that company in the tenant', p_template_id using errcode = 'foreign_key_violation';
  end if;
  insert into public.interview_sessions
    (tenant_id, company_id, station_id, template_id, created_by, candidate_ref, architecture, session_data)
  values (
    v_tenant, p_company_id, p_station_id, p_template_id, auth.uid(), p_candidate_ref, p_architecture,
    jsonb_build_object(
      'metadata', coalesce(p_metadata, '{}'::jsonb),
      'config', jsonb_build_object(
        'model', v_template.model,
        'voice', v_template.voice,
        'language', v_template.language,
        'maxDurationSeconds', v_template.max_duration_seconds
      )
    )
  )
  returning * into v_session;
  return v_session;
end
$$;
revoke all on function app.create_interview_session(uuid, uuid, uuid, text, text, jsonb) from public;
grant execute on function app.create_interview_session(uuid, uuid, uuid, text, text, jsonb) to authenticated;

/**
 * Trigger: the audit columns named in the trigger's arguments — (created column, [updated column]) —
 * get the transaction's time on insert; on update the created column keeps its value and the
 * updated column gets the time. Generic over column names through jsonb_populate_record.
 */
create function app.stamp_audit_columns() returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_created text := tg_argv[0];
  v_updated text := tg_argv[1];
  v_stamps jsonb := '{}'::jsonb;
begin
  if tg_op = 'INSERT' then
    v_stamps := jsonb_build_object(v_created, now());
  else
    v_stamps := jsonb_build_object(v_created, to_jsonb(old) -> v_created);
  end if;
  if v_updated is not null then
    v_stamps := v_stamps || jsonb_build_object(v_updated, now());
  end if;
  new := jsonb_populate_record(new, v_stamps);
  return new;
end
$$;

create trigger tenants_audit_columns before insert or update on public.tenants
  for each row execute function app.stamp_audit_columns('created_at');
create trigger companies_audit_columns before insert or update on public.companies
  for each row execute function app.stamp_audit_columns('created_at');
create trigger tenant_members_audit_columns before insert or update on public.tenant_members
  for each row execute function app.stamp_audit_columns('created_at');
create trigger stations_audit_columns before insert or update on public.stations
  for each row execute function app.stamp_audit_columns('enrolled_at');
create trigger interview_templates_audit_columns before insert or update on public.interview_templates
  for each row execute function app.stamp_audit_columns('created_at', 'updated_at');
-- Append-only tables: inserts only (session_events refuses updates; transcript_entries are updated
-- only by the service role, and keep their creation time).
create trigger session_events_audit_columns before insert on public.session_events
  for each row execute function app.stamp_audit_columns('created_at');
create trigger transcript_entries_audit_columns before insert or update on public.transcript_entries
  for each row execute function app.stamp_audit_columns('created_at');

-- interview_sessions: the status workflow trigger also owns every timestamp of the row. A session
-- starts with no step stamps; each stamp is set only by the transition that reaches its step.
create or replace function app.check_session_transition() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'created' then
      raise exception 'a session starts in status created, not %', new.status using errcode = 'check_violation';
    end if;
    new.created_at := now();
    new.updated_at := now();
    new.connecting_at := null;
    new.started_at := null;
    new.ended_at := null;
    return new;
  end if;
  if old.status in ('ended', 'failed', 'abandoned') then
    raise exception 'session % has ended (%); it cannot change', old.id, old.status using errcode = 'check_violation';
  end if;
  new.created_at := old.created_at;
  new.connecting_at := old.connecting_at;
  new.started_at := old.started_at;
  new.ended_at := old.ended_at;
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
