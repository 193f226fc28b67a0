-- Supabase's database linter (splinter 0011 function_search_path_mutable) flagged the two functions
-- defined without a fixed search_path. Both reference only qualified names (or none), so '' is safe.
-- Every function this project defines sets search_path = '' (supabase/tests/db-lint.test.ts checks).
alter function app.forbid_update() set search_path = '';
alter function app.transcript_grace() set search_path = '';
