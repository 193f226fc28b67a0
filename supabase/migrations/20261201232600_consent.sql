-- Consent recorded with the session (issue 10): the version of the notice the candidate was shown
-- (it says that an AI conducts the interview and that the conversation is transcribed and stored,
-- the EU AI Act's disclosure duty) and when they accepted it. Written once, by interview-start
-- through app.create_interview_session; users cannot update these columns (authenticated holds
-- column-level UPDATE on status, end_reason and end_detail only), and they read them under the
-- table's row-level security like every other column.

-- Fail fast instead of queueing behind a long transaction on a live database (squawk).
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- Nullable: sessions started before this migration have no consent record.
alter table public.interview_sessions add column consent_notice_version text;
alter table public.interview_sessions add column consent_accepted_at timestamptz;

-- Both or neither; a version is a short token (the station's contract allows the same). NOT VALID
-- only skips the scan of existing rows (all null, so they satisfy it); every insert and update is
-- checked. A later migration may VALIDATE it outside this transaction.
alter table public.interview_sessions add constraint interview_sessions_consent_check check (
  (consent_notice_version is null) = (consent_accepted_at is null)
  and (consent_notice_version is null or consent_notice_version ~ '^[A-Za-z0-9._-]{1,32}$')
) not valid;

-- Sessions are created with a consent record from now on: the old signature goes.
drop function app.create_interview_session(uuid, uuid, uuid, text, text, jsonb);

/**
 * Creates an interview session for the calling proctor, with the candidate's consent (see
 * 20261201000200_sessions_from_interview_start.sql for the checks; unchanged but for consent).
 */
create function app.create_interview_session(
  p_company_id uuid,
  p_template_id uuid,
  p_station_id uuid,
  p_candidate_ref text,
  p_architecture text,
  p_metadata jsonb,
  p_consent_notice_version text,
  p_consent_accepted_at timestamptz
) returns public.interview_sessions
  language plpgsql volatile security definer
  set search_path = ''
as $$
declare
  v_tenant uuid := app.jwt_tenant_id();
  v_template public.interview_templates;
  v_session public.interview_sessions;
begin
  if p_consent_notice_version is null or p_consent_accepted_at is null then
    raise exception 'an interview starts only with the candidate''s consent' using errcode = 'not_null_violation';
  end if;
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
    (tenant_id, company_id, station_id, template_id, created_by, candidate_ref, architecture,
     consent_notice_version, consent_accepted_at, session_data)
  values (
    v_tenant, p_company_id, p_station_id, p_template_id, auth.uid(), p_candidate_ref, p_architecture,
    p_consent_notice_version, p_consent_accepted_at,
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
revoke all on function app.create_interview_session(uuid, uuid, uuid, text, text, jsonb, text, timestamptz) from public;
grant execute on function app.create_interview_session(uuid, uuid, uuid, text, text, jsonb, text, timestamptz) to authenticated;
