-- Events of queued runs, so a run executed by one replica can be streamed from any other (fanned out with
-- LISTEN/NOTIFY on channel open_skills_run_events, payload = run id) and replayed from the start.
create table run_events (
  run_id uuid not null references skill_runs (id) on delete cascade,
  seq integer not null,
  event text not null,
  data jsonb not null,
  created_at timestamptz not null default now(),
  primary key (run_id, seq)
);
