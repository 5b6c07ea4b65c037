-- Runs: what a run row needs beyond 001 to be read without joins, and lookups the runs API makes.
-- A run names its skill and version as they were when it ran (the skill may be renamed or deleted later).
alter table skill_runs add column skill_name text;
alter table skill_runs add column version text;
-- 'skill' for a run of one skill; 'chain' or 'parallel' for an API-level composition whose children are runs.
alter table skill_runs add column kind text not null default 'skill';
alter table skill_runs add column depth integer not null default 0;
alter table skill_runs add column error_type text;

create index skill_runs_org_skill_idx on skill_runs (org_id, skill_id, created_at desc, id desc);
create index skill_artifacts_org_idx on skill_artifacts (org_id, id);
