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

/** Which skills a prompt block lists: named ones, the router's best for a request, or every published one. */
export interface PromptSelection {
  skills?: string[];
  query?: string;
  topK?: number;
  tags?: string[];
}

/** How many skills a block lists at most: the router's default for a query, and a bound for "all". */
export const PROMPT_DEFAULT_TOP_K = { query: 5, all: 100 } as const;

/**
 * Prompt blocks for stored skills. Each `location` is the SKILL.md URL of the skill's latest version, under
 * `publicUrl` when the server has one (PUBLIC_URL) and under the request's origin otherwise.
 */
export function createPromptService(deps: {
  publicUrl?: string;
  findSkill(caller: Caller, ref: string): Promise<PublishedSkill>;
  listAllPublished(caller: Caller, options: { tags?: string[]; limit: number }): Promise<PublishedSkill[]>;
  /** The router: published skills ranked for `query`, best first. */
  rank(caller: Caller, options: { query: string; topK: number; tags?: string[] }): Promise<PublishedSkill[]>;
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
    /**
     * The block for the named skills; or for the router's `topK` best for `query` (within `tags`); or for the
     * published skills the caller sees (within `tags`, by name, at most `topK`).
     */
    async forSkills(caller: Caller, selection: PromptSelection, origin: string): Promise<string> {
      const { skills: refs, query, tags } = selection;
      if (refs && (query || tags)) {
        throw new AppError('invalid_request', 'Name skills, or select them with query/tags, not both', {
          errors: [{ field: 'body.skills', message: 'not allowed with query or tags' }],
        });
      }
      const skills = refs
        ? await Promise.all(refs.map((ref) => deps.findSkill(caller, ref)))
        : query
          ? await deps.rank(caller, { query, topK: selection.topK ?? PROMPT_DEFAULT_TOP_K.query, tags })
          : await deps.listAllPublished(caller, { tags, limit: selection.topK ?? PROMPT_DEFAULT_TOP_K.all });
      return toXml(skills, origin);
    },
  };
}

export type PromptService = ReturnType<typeof createPromptService>;
