import type { Caller } from '../auth/caller.ts';
import { AppError } from '../errors.ts';

/** What `skills-ref to-prompt` needs of a skill. */
export interface PromptSkill {
  name: string;
  description: string;
  location: string;
}

const escapeXml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/**
 * The `<available_skills>` block in the layout of the Agent Skills reference tool (`skills-ref to-prompt`):
 * one element per line, so agents that already parse it need nothing new.
 */
export function toPromptXml(skills: PromptSkill[]): string {
  const items = skills.map(
    (s) =>
      `<skill>\n<name>\n${escapeXml(s.name)}\n</name>\n<description>\n${escapeXml(s.description)}\n</description>\n` +
      `<location>\n${escapeXml(s.location)}\n</location>\n</skill>\n`,
  );
  return `<available_skills>\n${items.join('')}</available_skills>\n`;
}

/** Skills as far as prompt blocks go (the registry's `findSkill` / `listAllPublished` rows). */
interface PublishedSkill {
  name: string;
  description: string;
  latest_version_id: string | null;
}

/**
 * Prompt blocks for stored skills. Each `location` is the SKILL.md URL of the skill's latest version, under
 * `publicUrl` when the server has one (PUBLIC_URL) and under the request's origin otherwise.
 */
export function createPromptService(deps: {
  publicUrl?: string;
  findSkill(caller: Caller, ref: string): Promise<PublishedSkill>;
  listAllPublished(caller: Caller): Promise<PublishedSkill[]>;
}) {
  const toXml = (skills: PublishedSkill[], origin: string) =>
    toPromptXml(
      skills.flatMap((s) =>
        s.latest_version_id
          ? [
              {
                name: s.name,
                description: s.description,
                location: `${deps.publicUrl ?? origin}/skill-versions/${s.latest_version_id}/files/SKILL.md`,
              },
            ]
          : [],
      ),
    );
  return {
    /** The block for one skill; 404 when it has no published version. */
    async forSkill(caller: Caller, ref: string, origin: string): Promise<string> {
      const skill = await deps.findSkill(caller, ref);
      if (!skill.latest_version_id) throw new AppError('not_found', `Skill "${skill.name}" has no published version`);
      return toXml([skill], origin);
    },
    /** The block for the named skills, or for every published skill the caller sees when none are named. */
    async forSkills(caller: Caller, refs: string[] | undefined, origin: string): Promise<string> {
      const skills = refs
        ? await Promise.all(refs.map((ref) => deps.findSkill(caller, ref)))
        : await deps.listAllPublished(caller);
      return toXml(skills, origin);
    },
  };
}

export type PromptService = ReturnType<typeof createPromptService>;
