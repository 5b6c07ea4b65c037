-- Members and roles, API tokens with revocation, secret use and the audit trail (issue 11).

-- skill_permissions is the members table: one role per user and organisation. A token without a role claim acts
-- with its subject's role here, so a change takes effect on the next request.
alter table skill_permissions add column updated_at timestamptz not null default now();
alter table skill_permissions add column updated_by text;
create index skill_permissions_org_role_idx on skill_permissions (org_id, role);
create index skill_permissions_org_list_idx on skill_permissions (org_id, created_at desc, id desc);

-- api_tokens records the tokens POST /tokens issues (id = the token's jti; the token itself is never stored):
-- its role is a cap on the member's role, revoked_at ends it on every replica within a second.
alter table api_tokens add column created_by text;
alter table api_tokens add column last_used_at timestamptz;
create index api_tokens_org_list_idx on api_tokens (org_id, created_at desc, id desc);
create index api_tokens_user_idx on api_tokens (org_id, user_id);

-- Who approved a version: publishers read the runs of the skills they publish.
alter table skill_versions add column published_by text;
create index skill_versions_published_by_idx on skill_versions (skill_id, published_by) where published_by is not null;

-- When a run last received the secret.
alter table secrets add column last_used_at timestamptz;

-- Every state change, run start and refused login, with the request it came from and how it ended.
alter table audit_log add column request_id text;
alter table audit_log add column outcome text not null default 'success'
  check (outcome in ('success', 'denied', 'refused'));
create index audit_log_org_action_idx on audit_log (org_id, action, created_at desc, id desc);
create index audit_log_org_actor_idx on audit_log (org_id, actor_id, created_at desc, id desc);
create index audit_log_org_target_idx on audit_log (org_id, target_id, created_at desc, id desc);
