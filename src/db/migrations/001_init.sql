-- open-skills schema. Plain SQL valid on PostgreSQL 15+ with pgvector and on PGlite with its pgvector extension.
create extension if not exists vector;
create extension if not exists pg_trgm;

create table skills (
  id uuid primary key,
  org_id text not null,
  owner_id text not null,
  name text not null,
  description text not null default '',
  tags text[] not null default '{}',
  visibility text not null default 'org' check (visibility in ('user', 'org')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz
);
-- Names are unique among the live skills of an org; a soft-deleted name can be reused.
create unique index skills_org_name_uq on skills (org_id, name) where deleted_at is null;
create index skills_org_list_idx on skills (org_id, created_at desc, id desc) where deleted_at is null;
create index skills_owner_idx on skills (owner_id);
create index skills_tags_idx on skills using gin (tags);

create table skill_versions (
  id uuid primary key,
  skill_id uuid not null references skills (id),
  org_id text not null,
  name text not null,
  version text not null,
  -- Semver parts kept as columns so "highest published version" is an index-friendly ORDER BY.
  version_major integer not null,
  version_minor integer not null,
  version_patch integer not null,
  version_prerelease text not null default '',
  status text not null default 'draft' check (status in ('draft', 'published', 'deprecated')),
  description text not null,
  instructions text not null default '',
  entrypoint text,
  tags text[] not null default '{}',
  metadata jsonb not null default '{}',
  inputs jsonb,
  outputs jsonb,
  warnings jsonb not null default '[]',
  embedding vector,
  embedding_model text,
  search tsvector,
  sha256 text not null,
  size_bytes integer not null,
  file_count integer not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  published_at timestamptz,
  deprecated_at timestamptz,
  unique (skill_id, version)
);
create index skill_versions_skill_idx on skill_versions (skill_id, created_at desc, id desc);
create index skill_versions_latest_idx on skill_versions
  (skill_id, version_major desc, version_minor desc, version_patch desc) where status = 'published';
create index skill_versions_org_status_idx on skill_versions (org_id, status);
create index skill_versions_search_idx on skill_versions using gin (search);
create index skill_versions_tags_idx on skill_versions using gin (tags);

create table skill_files (
  version_id uuid not null references skill_versions (id) on delete cascade,
  path text not null,
  sha256 text not null,
  size integer not null,
  mime text not null,
  -- Files live in the database so a version is written in one transaction: never half a bundle.
  content bytea,
  storage_key text,
  -- For transpiled TypeScript: the JavaScript and its source map, produced once at upload.
  compiled_js text,
  source_map text,
  primary key (version_id, path)
);

create table skill_runs (
  id uuid primary key,
  org_id text not null,
  skill_id uuid references skills (id),
  skill_version_id uuid references skill_versions (id),
  parent_run_id uuid references skill_runs (id),
  user_id text not null,
  status text not null check (status in ('queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled')),
  input_json jsonb,
  output_json jsonb,
  error jsonb,
  logs jsonb not null default '[]',
  usage jsonb,
  duration_ms integer,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create index skill_runs_org_list_idx on skill_runs (org_id, created_at desc, id desc);
create index skill_runs_skill_idx on skill_runs (skill_id, created_at desc, id desc);
create index skill_runs_parent_idx on skill_runs (parent_run_id);
create index skill_runs_status_idx on skill_runs (org_id, status, created_at desc);

create table skill_artifacts (
  id uuid primary key,
  run_id uuid not null references skill_runs (id),
  org_id text not null,
  name text not null,
  storage_url text not null,
  mime_type text not null,
  checksum text not null,
  size_bytes integer not null,
  created_at timestamptz not null default now()
);
create index skill_artifacts_run_idx on skill_artifacts (run_id, created_at, id);

create table skill_permissions (
  id uuid primary key,
  user_id text not null,
  org_id text not null,
  role text not null check (role in ('viewer', 'author', 'publisher', 'admin')),
  created_at timestamptz not null default now(),
  unique (org_id, user_id)
);

create table audit_log (
  id uuid primary key,
  org_id text not null,
  actor_id text not null,
  action text not null,
  target_type text not null,
  target_id text,
  data jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index audit_log_org_idx on audit_log (org_id, created_at desc, id desc);

create table secrets (
  id uuid primary key,
  org_id text not null,
  name text not null,
  ciphertext bytea not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, name)
);

create table api_tokens (
  id uuid primary key,
  org_id text not null,
  user_id text not null,
  role text not null check (role in ('viewer', 'author', 'publisher', 'admin')),
  name text not null default '',
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index api_tokens_org_idx on api_tokens (org_id, created_at desc);
