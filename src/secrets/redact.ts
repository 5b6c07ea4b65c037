/**
 * Redaction of secret values from what a run produces (logs, errors, output, artifact names, child inputs) before
 * anything is stored or streamed. Besides the value itself it catches the forms a skill most likely prints it in:
 * JSON-escaped, URL-encoded, base64 (at any byte alignment, as inside `user:password` credentials) and, for a
 * multi-line value such as a PEM key, each of its lines.
 *
 * @example
 * const redact = createRedactor(['s3cr3t-value']);
 * redact({ message: 'key=s3cr3t-value' }); // { message: 'key=[REDACTED]' }
 */

export const REDACTED = '[REDACTED]';

/** Derived forms shorter than this are not masked: they would blank out ordinary text. */
const MIN_DERIVED_LENGTH = 6;
/** Deeper values are replaced whole rather than walked (outputs are bounded well before this). */
const MAX_DEPTH = 256;

/** The base64 characters of `value` wherever it sits in a longer base64 text (three byte alignments). */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  for (const shift of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
    let text = padded.toString('base64').replace(/=+$/, '');
    // Drop the characters that mix in bits of the neighbours: the filler in front, the unknown bytes after.
    if (padded.length % 3 !== 0) text = text.slice(0, -1);
    text = text.slice([0, 2, 3][shift]);
    forms.push(text, text.replaceAll('+', '-').replaceAll('/', '_'));
  }
  return forms;
}

function formsOf(value: string): string[] {
  const derived = [
    JSON.stringify(value).slice(1, -1),
    encodeURIComponent(value),
    ...base64Forms(value),
    ...value.split(/\r?\n/).map((line) => line.trim()),
  ].filter((form) => form.length >= MIN_DERIVED_LENGTH);
  return [value, ...derived];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export type Redact = <T>(value: T) => T;

/** A function that returns a copy of any JSON-like value with every form of `secrets` replaced by `[REDACTED]`. */
export function createRedactor(secrets: readonly string[]): Redact {
  const forms = [...new Set(secrets.filter((s) => s.length > 0).flatMap(formsOf))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (value) => value;
  const pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  const text = (s: string) => s.replace(pattern, REDACTED);

  const walk = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return text(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) return REDACTED;
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), walk(v, depth + 1)]));
  };
  return <T>(value: T) => walk(value, 0) as T;
}

/** Both redactors at once: a child run hides its parent's secrets as well as its own. */
export const composeRedactors =
  (outer: Redact, inner: Redact): Redact =>
  <T>(value: T) =>
    inner(outer(value));
