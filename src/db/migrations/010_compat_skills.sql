-- Issue 18 (Anthropic/OpenAI Skills API compatibility). Anthropic's skills carry a display name beside the name of
-- SKILL.md; versions can be deleted through both vendor APIs. A deleted version is soft-deleted: its number stays
-- taken (a later upload cannot reuse it with other content), its runs keep pointing at it, and no read shows it.
alter table skills add column display_name text;
alter table skill_versions add column deleted_at timestamptz;
