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
