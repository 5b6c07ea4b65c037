/**
 * Bounds on JSON the server stores: PostgreSQL refuses `\u0000` in `jsonb` and `text`, and very deep nesting
 * overflows recursive code (JSON.stringify, jsonb, validators). Request bodies, run inputs, child inputs and run
 * outputs are all checked here, by one linear scan of their JSON text that allocates nothing.
 */

/** The deepest nesting of arrays and objects accepted in request bodies, run inputs and outputs. */
export const MAX_JSON_DEPTH = 128;

const NUL_PROBLEM = 'contains a NUL character (\\u0000), which cannot be stored';

/**
 * What makes this JSON text unstorable, or undefined. Reads the text once; strings are skipped with their escapes,
 * so brackets inside strings do not count.
 *
 * @example
 * jsonTextProblem('{"a":"x\\u0000"}'); // 'contains a NUL character (\u0000), which cannot be stored'
 * jsonTextProblem('[[[]]]', 2); // 'nests deeper than 2 levels'
 */
export function jsonTextProblem(text: string, maxDepth = MAX_JSON_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return NUL_PROBLEM;
    if (inString) {
      if (c === 0x5c) {
        if (text.startsWith('u0000', i + 1)) return NUL_PROBLEM;
        i++;
      } else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return `nests deeper than ${maxDepth} levels`;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

/** The same check for a value: its JSON text, or why it has none that can be stored. */
export function jsonValueProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(value ?? null);
  } catch (error) {
    return error instanceof RangeError ? `nests deeper than ${maxDepth} levels` : 'is not JSON';
  }
  return jsonTextProblem(text ?? 'null', maxDepth);
}

/** A string with NUL characters replaced (log lines and error messages are stored as text). */
export const withoutNul = (text: string) => (text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text);
