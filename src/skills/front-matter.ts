/**
 * SKILL.md's YAML front matter and Markdown body. The YAML is read by `yaml` with hard bounds (size, alias
 * expansion, expanded size), so a hostile SKILL.md costs a bounded amount of work; the scalars' source text is
 * kept so values such as `version: 1.0` can be read as the author wrote them ("1.0", not 1).
 */
import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument, type YAMLError } from 'yaml';
import type { FieldError } from '../errors.ts';
import { formatBytes } from './limits.ts';

/** Front matter larger than this (UTF-8 bytes) is refused before it is parsed. */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;
/** Alias expansion budget (the `yaml` library's measure: nodes reached through aliases); past it, an error. */
export const MAX_YAML_ALIAS_COUNT = 100;
/** The front matter expanded to JSON (aliases resolved) may not exceed this: it is what versions store. */
export const MAX_EXPANDED_FRONT_MATTER_BYTES = 256 * 1024;
/** Flow collections (`[`, `{`) nested deeper than this are refused before parsing: the parser recurses on them. */
export const MAX_FLOW_DEPTH = 64;

const FIELD = 'SKILL.md';
const OPENING = /^---[ \t]*\r?\n/;
const CLOSING = /^---[ \t]*$/m;

export interface FrontMatter {
  /** The front matter as plain data (empty when it could not be read). */
  data: Record<string, unknown>;
  /** The parsed document, to read scalars as written (`sourceText`); absent when the YAML could not be read. */
  document?: Document.Parsed;
  body: string;
  /** Blocking problems; when the front matter itself cannot be read this is exactly one error. */
  errors: FieldError[];
  warnings: FieldError[];
}

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

/** A line of the source as quoted in an error: at most 120 characters, around `column`. */
function quoteLine(line: string, column: number): { text: string; caret: number } {
  const clean = line.replace(/\r$/, '');
  if (clean.length <= 120) return { text: clean, caret: column };
  const start = Math.max(0, Math.min(column - 60, clean.length - 120));
  return { text: `…${clean.slice(start, start + 120)}…`, caret: column - start + 1 };
}

/**
 * The parser's message with the SKILL.md line and column (front matter starts on line 2) and a frame of the source:
 * the line before (where an unclosed bracket or quote usually starts) and the offending line, with a caret.
 */
function describeYamlError(error: YAMLError, yaml: string, lines: LineCounter): FieldError {
  const { line, col } = lines.linePos(error.pos[0]);
  const source = yaml.split('\n');
  const reason = error.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
  const at = quoteLine(source[line - 1] ?? '', col);
  const before = line > 1 ? `    ${line}: ${quoteLine(source[line - 2] ?? '', 1).text}\n` : '';
  const gutter = `    ${line + 1}: `;
  return {
    field: `${FIELD}:${line + 1}:${col}`,
    message:
      `front matter is not valid YAML at line ${line + 1}, column ${col}: ${reason}\n` +
      `${before}${gutter}${at.text}\n${' '.repeat(gutter.length + Math.max(0, at.caret - 1))}^`,
  };
}

/**
 * How deep flow collections nest, by one linear scan: brackets that open a value (after `[`, `{`, `,`, `:`, `-`
 * or at the start of a line), outside quotes and comments. Plain text such as "see [docs]" does not count.
 */
export function flowDepth(yaml: string): number {
  let depth = 0;
  let deepest = 0;
  let quote: string | undefined;
  let previous = '\n';
  for (let i = 0; i < yaml.length; i++) {
    const char = yaml[i]!;
    if (quote) {
      if (char === '\\' && quote === '"') i++;
      else if (char === quote) quote = undefined;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '#' && /\s/.test(yaml[i - 1] ?? '\n')) {
      while (i < yaml.length && yaml[i] !== '\n') i++;
      previous = '\n';
      continue;
    } else if ((char === '[' || char === '{') && '[{,:-\n'.includes(previous)) deepest = Math.max(deepest, ++depth);
    else if ((char === ']' || char === '}') && depth > 0) depth--;
    if (char === '\n' || !/\s/.test(char)) previous = char;
  }
  return deepest;
}

type Parsed = { document: Document.Parsed; error?: undefined } | { document?: undefined; error: FieldError };

function parseYaml(yaml: string): Parsed {
  const lines = new LineCounter();
  let document: Document.Parsed;
  try {
    document = parseDocument(yaml, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    // The parser recurses on nesting; absurd depth ends here instead of in the process.
    return { error: { field: FIELD, message: `front matter cannot be read: ${(error as Error).message}` } };
  }
  const [first] = document.errors;
  return first ? { error: describeYamlError(first, yaml, lines) } : { document };
}

/** The document as plain data, with aliases expanded within the budgets; an error when it breaks one. */
function toData(document: Document.Parsed): { data?: unknown; error?: FieldError } {
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    const message = /alias/i.test((error as Error).message)
      ? `front matter aliases (*name) expand past the budget of ${MAX_YAML_ALIAS_COUNT} nodes`
      : `front matter cannot be read: ${(error as Error).message}`;
    return { error: { field: FIELD, message } };
  }
  const expanded = Buffer.byteLength(JSON.stringify(data ?? null) ?? '');
  if (expanded > MAX_EXPANDED_FRONT_MATTER_BYTES) {
    return {
      error: {
        field: FIELD,
        message: `front matter expands to ${formatBytes(expanded)}; at most ${formatBytes(MAX_EXPANDED_FRONT_MATTER_BYTES)} are allowed`,
      },
    };
  }
  return { data };
}

/** What a non-mapping front matter is, for the one error that says so. */
const kindOf = (value: unknown) =>
  Array.isArray(value) ? 'a list' : typeof value === 'string' ? 'a single string' : `a ${typeof value}`;

/**
 * Splits SKILL.md into front matter and body and reads the YAML. Never throws. When the front matter cannot be
 * read (missing, never closed, too large, invalid YAML, not a mapping, aliases past the budget) the result holds
 * exactly one error saying why, so callers report no follow-up errors.
 */
export function splitFrontMatter(source: string): FrontMatter {
  const fail = (message: string, field = FIELD): FrontMatter => ({
    data: {},
    body: source,
    errors: [{ field, message }],
    warnings: [],
  });
  const text = source.replace(/^\uFEFF/, '');
  const opening = OPENING.exec(text);
  if (!opening) return fail('SKILL.md must start with YAML front matter between --- lines');
  const rest = text.slice(opening[0].length);
  const closing = CLOSING.exec(rest);
  if (!closing) return fail('front matter is never closed: add a line with --- after it');
  const yaml = rest.slice(0, closing.index);
  const body = rest.slice(closing.index + closing[0].length).replace(/^\r?\n/, '');
  const size = Buffer.byteLength(yaml);
  if (size > MAX_FRONT_MATTER_BYTES) {
    return fail(`front matter is ${formatBytes(size)}; at most ${formatBytes(MAX_FRONT_MATTER_BYTES)} are allowed`);
  }

  if (flowDepth(yaml) > MAX_FLOW_DEPTH) {
    return { ...fail(`front matter nests [ ] or { } deeper than ${MAX_FLOW_DEPTH} levels`), body };
  }

  const warnings: FieldError[] = [];
  let parsed = parseYaml(yaml);
  const quoted = parsed.error ? quoteColonValues(yaml) : yaml;
  if (parsed.error) {
    if (quoted === yaml) return { ...fail(parsed.error.message, parsed.error.field), body };
    const retried = parseYaml(quoted);
    if (retried.error) return { ...fail(parsed.error.message, parsed.error.field), body };
    parsed = retried;
    warnings.push({
      field: FIELD,
      message: 'front matter is not valid YAML; read it leniently by quoting values that contain ": "',
    });
  }
  const { document } = parsed;
  const { data, error } = toData(document);
  if (error) return { ...fail(error.message, error.field), body };
  if (data === null || data === undefined) return { data: {}, document, body, errors: [], warnings };
  if (!isMap(document.contents) || typeof data !== 'object' || Array.isArray(data)) {
    return {
      ...fail(`front matter must be a YAML mapping of fields (name: ..., description: ...), not ${kindOf(data)}`),
      body,
    };
  }
  return { data: data as Record<string, unknown>, document, body, errors: [], warnings };
}

/**
 * The text a scalar was written as: `version: 1.0` gives "1.0" where the parsed value is the number 1. Quoted and
 * block scalars give their string value; non-scalars give undefined.
 */
export function sourceText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  if (node.value === null) return undefined;
  return (node as Node & { source?: string }).source ?? String(node.value);
}

/** The node of a top-level field (`metadata`), or of a field inside one (`metadata`, `version`). */
export function fieldNode(document: Document.Parsed | undefined, ...path: string[]): unknown {
  return document?.getIn(path, true);
}
