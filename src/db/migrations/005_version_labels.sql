-- Version labels: named pointers (production, staging, ...) from a skill to one of its published versions, moved by
-- publishers to promote a version. `latest` is not stored: it is always the highest published version.
create table skill_labels (
  skill_id uuid not null references skills (id),
  label text not null,
  version_id uuid not null references skill_versions (id),
  org_id text not null,
  updated_by text not null,
  updated_at timestamptz not null default now(),
  primary key (skill_id, label)
);
create index skill_labels_version_idx on skill_labels (version_id);
