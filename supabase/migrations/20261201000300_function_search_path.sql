-- Supabase's database linter (splinter 0011 function_search_path_mutable) flagged the two functions
-- defined without a fixed search_path. Both reference only qualified names (or none), so '' is safe.
-- Every function this project defines sets search_path = '' (supabase/tests/db-lint.test.ts checks).

-- Fail fast instead of queueing behind a long transaction on a live database (squawk).
set local lock_timeout = '5s';
set local statement_timeout = '60s';
alter function app.forbid_update() set search_path = '';
alter function app.transcript_grace() set search_path = '';
