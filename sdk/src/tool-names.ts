/** Tool names every provider accepts: OpenAI, Anthropic, MCP clients and the AI SDK. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** 32-bit FNV-1a of the UTF-16 code units: a short, stable fingerprint that needs no crypto API. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The tool name of a skill: the skill name itself when it already fits `^[a-zA-Z0-9_-]{1,64}$` (ASCII names
 * always do), else an ASCII rendering of it plus a fingerprint of the whole name, so two skills never share a
 * name and a skill keeps its name from call to call.
 *
 * @example
 * toolNameFor('csv-to-json'); // 'csv-to-json'
 * toolNameFor('café-menu');   // 'cafe-menu_' + 8 hex digits
 * toolNameFor('мой-навык');   // 'skill_' + 8 hex digits
 */
export function toolNameFor(skill: string): string {
  if (TOOL_NAME_PATTERN.test(skill)) return skill;
  const ascii = skill
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-zA-Z0-9_-]+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '');
  const fingerprint = fnv1a(skill).toString(16).padStart(8, '0');
  return `${(ascii || 'skill').slice(0, 64 - 9)}_${fingerprint}`;
}
