-- Development seed: two tenants, so isolation can be seen, each with an admin, a proctor and a
-- recruiter, a company, a station and an interview template. Every seeded user's password is
-- `station-dev-password` (devstack/supabase/seedUsers.ts lists them for stack.json).
-- Safe to run again; works on the local stack and on a Supabase CLI project (`supabase db reset`).

insert into public.tenants (id, name) values
  ('a0000000-0000-4000-8000-000000000001', 'Acme Assessment Centre'),
  ('b0000000-0000-4000-8000-000000000001', 'Northwind Testing')
on conflict (id) do nothing;

insert into auth.users (
  instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, confirmation_token, recovery_token, email_change_token_new, email_change
)
select
  '00000000-0000-0000-0000-000000000000', u.id, 'authenticated', 'authenticated', u.email,
  extensions.crypt('station-dev-password', extensions.gen_salt('bf')), now(),
  jsonb_build_object('provider', 'email', 'providers', jsonb_build_array('email'), 'tenant_id', u.tenant_id),
  jsonb_build_object('display_name', u.display_name), '', '', '', ''
from (values
  ('a0000000-0000-4000-8000-0000000000a1'::uuid, 'admin@acme.test', 'a0000000-0000-4000-8000-000000000001', 'Acme Admin'),
  ('a0000000-0000-4000-8000-0000000000a2'::uuid, 'proctor@acme.test', 'a0000000-0000-4000-8000-000000000001', 'Acme Proctor'),
  ('a0000000-0000-4000-8000-0000000000a3'::uuid, 'recruiter@acme.test', 'a0000000-0000-4000-8000-000000000001', 'Acme Recruiter'),
  ('b0000000-0000-4000-8000-0000000000b1'::uuid, 'admin@northwind.test', 'b0000000-0000-4000-8000-000000000001', 'Northwind Admin'),
  ('b0000000-0000-4000-8000-0000000000b2'::uuid, 'proctor@northwind.test', 'b0000000-0000-4000-8000-000000000001', 'Northwind Proctor'),
  ('b0000000-0000-4000-8000-0000000000b3'::uuid, 'recruiter@northwind.test', 'b0000000-0000-4000-8000-000000000001', 'Northwind Recruiter')
) as u (id, email, tenant_id, display_name)
on conflict (id) do nothing;

insert into public.tenant_members (tenant_id, user_id, role) values
  ('a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-0000000000a1', 'admin'),
  ('a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-0000000000a2', 'proctor'),
  ('a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-0000000000a3', 'recruiter'),
  ('b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-0000000000b1', 'admin'),
  ('b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-0000000000b2', 'proctor'),
  ('b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-0000000000b3', 'recruiter')
on conflict do nothing;

insert into public.companies (id, tenant_id, name) values
  ('a0000000-0000-4000-8000-00000000c001', 'a0000000-0000-4000-8000-000000000001', 'Acme Hiring'),
  ('b0000000-0000-4000-8000-00000000c001', 'b0000000-0000-4000-8000-000000000001', 'Northwind Hiring')
on conflict (id) do nothing;

insert into public.stations (id, tenant_id, name) values
  ('a0000000-0000-4000-8000-00000000d001', 'a0000000-0000-4000-8000-000000000001', 'Acme Station 1'),
  ('b0000000-0000-4000-8000-00000000d001', 'b0000000-0000-4000-8000-000000000001', 'Northwind Station 1')
on conflict (id) do nothing;

insert into public.interview_templates (id, tenant_id, company_id, name, model, voice, instructions, language, max_duration_seconds)
values
  ('a0000000-0000-4000-8000-00000000e001', 'a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-00000000c001',
   'Support engineer screen', 'gpt-realtime', 'marin',
   'You are a friendly interviewer for a support engineer role. Ask one question at a time.', 'en', 1800),
  ('b0000000-0000-4000-8000-00000000e001', 'b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-00000000c001',
   'Data analyst screen', 'gpt-realtime', 'cedar',
   'You are a calm interviewer for a data analyst role. Ask one question at a time.', 'en', 1200)
on conflict (id) do nothing;
