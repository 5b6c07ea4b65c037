/** SKILL.md's YAML front matter and Markdown body, read leniently. */
import matter from 'gray-matter';
import type { FieldError } from '../errors.ts';

/**
 * Quotes `key: value` lines whose value holds an unquoted `: `, the most common YAML mistake in hand-written
 * SKILL.md files; the Agent Skills client guide advises retrying this way.
 */
function quoteColonValues(yaml: string): string {
  return yaml
    .split('\n')
    .map((line) => {
      const match = /^([A-Za-z_][\w-]*):\s+(.*\S)\s*$/.exec(line);
      if (!match) return line;
      const [, key, value] = match as unknown as [string, string, string];
      if (/^["'|>[{&*!]/.test(value) || !value.includes(': ')) return line;
      return `${key}: ${JSON.stringify(value)}`;
    })
    .join('\n');
}

function parseFrontMatter(text: string): { data: Record<string, unknown>; body: string; lenient: boolean } {
  // Passing options disables gray-matter's cache, which would hand back one shared object for equal inputs.
  const parse = (source: string) => matter(source, { excerpt: false });
  try {
    const parsed = parse(text);
    return { data: parsed.data, body: parsed.content, lenient: false };
  } catch (first) {
    const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
    if (!match) throw first;
    try {
      const parsed = parse(`---\n${quoteColonValues(match[1] ?? '')}\n---\n${match[2] ?? ''}`);
      return { data: parsed.data, body: parsed.content, lenient: true };
    } catch {
      throw first;
    }
  }
}

/** Splits SKILL.md into front matter and body. Never throws: YAML problems come back as errors or warnings. */
export function splitFrontMatter(source: string): {
  data: Record<string, unknown>;
  body: string;
  errors: FieldError[];
  warnings: FieldError[];
} {
  const errors: FieldError[] = [];
  const warnings: FieldError[] = [];
  if (!/^---\r?\n/.test(source)) {
    errors.push({ field: 'SKILL.md', message: 'SKILL.md must start with YAML front matter between --- lines' });
    return { data: {}, body: source, errors, warnings };
  }
  try {
    const parsed = parseFrontMatter(source);
    if (parsed.lenient) {
      warnings.push({
        field: 'SKILL.md',
        message: 'front matter is not valid YAML; read it leniently by quoting values that contain ": "',
      });
    }
    return { data: parsed.data ?? {}, body: parsed.body, errors, warnings };
  } catch (error) {
    errors.push({
      field: 'SKILL.md',
      message: `front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    });
    return { data: {}, body: source, errors, warnings };
  }
}
