-- A third visibility, `public`: an org-visible skill whose published versions are also served without a token in
-- the well-known skills index (/.well-known/agent-skills/). Set by publishers and admins.
alter table skills drop constraint if exists skills_visibility_check;
alter table skills add constraint skills_visibility_check check (visibility in ('user', 'org', 'public'));
