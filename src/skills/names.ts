/**
 * Skill names, as the Agent Skills specification and its reference validator (`skills-ref`) define them: 1-64
 * lowercase letters and digits of any script (`pdf`, `技能`, `мой-навык`) and single hyphens, compared in NFKC
 * form so a zip made on macOS (decomposed accents) names the same skill as one made elsewhere.
 */

export const MAX_NAME_LENGTH = 64;

/** Letters and digits of any script, in runs joined by single hyphens. */
const NAME_SHAPE = /^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$/u;

/** The form names are stored, compared and looked up in. */
export const normalizeName = (name: string) => name.trim().normalize('NFKC');

/**
 * What is wrong with a skill name (already normalised), or undefined when it is valid.
 *
 * @example
 * skillNameProblem('my-skill'); // undefined
 * skillNameProblem('My_Skill'); // 'must be lowercase'
 */
export function skillNameProblem(name: string): string | undefined {
  const length = [...name].length;
  if (length === 0) return 'must not be empty';
  if (length > MAX_NAME_LENGTH) return `is ${length} characters; at most ${MAX_NAME_LENGTH} are allowed`;
  if (name !== name.toLowerCase()) return 'must be lowercase';
  if (name.startsWith('-') || name.endsWith('-')) return 'must not start or end with a hyphen';
  if (name.includes('--')) return 'must not contain consecutive hyphens';
  if (!NAME_SHAPE.test(name)) return 'may only contain letters, digits and hyphens';
  return undefined;
}

/** The same rule for zod schemas (the JSON `POST /skills` body): refine a string with it. */
export const isValidSkillName = (name: string) => skillNameProblem(normalizeName(name)) === undefined;
