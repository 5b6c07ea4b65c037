/**
 * A small JSON path language:
 *   a.b.c          object keys            items[0]     array index (negative counts from the end)
 *   items[*].name  every element          a.*          every value of an object
 *   ["odd key"]    quoted key             $.a / a      a leading "$" is optional
 * A path with a wildcard yields an array of all matches; otherwise the single value (undefined when missing).
 */

export type PathSegment = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

export class PathSyntaxError extends Error {
  constructor(path: string, position: number, problem: string) {
    super(`Invalid path "${path}" at position ${position}: ${problem}`);
    this.name = 'PathSyntaxError';
  }
}

const IDENTIFIER = /[A-Za-z_$@][\w$@-]*/y;

export function parsePath(path: string): PathSegment[] {
  if (path.length > 500) throw new PathSyntaxError(path.slice(0, 20) + '…', 500, 'path is longer than 500 characters');
  const segments: PathSegment[] = [];
  let i = path.startsWith('$') && !/^\$[\w]/.test(path) ? 1 : 0;
  let expectKey = i === 0; // the start of the path, like after a ".", takes a bare key
  while (i < path.length) {
    const char = path[i];
    if (char === '.') {
      if (expectKey) throw new PathSyntaxError(path, i, 'unexpected "."');
      expectKey = true;
      i++;
    } else if (char === '[') {
      const close = readBracket(path, i, segments);
      i = close + 1;
      expectKey = false;
    } else if (expectKey && char === '*') {
      segments.push({ kind: 'wildcard' });
      i++;
      expectKey = false;
    } else if (expectKey) {
      IDENTIFIER.lastIndex = i;
      const match = IDENTIFIER.exec(path);
      if (!match) throw new PathSyntaxError(path, i, `expected a key name, found "${char}"`);
      segments.push({ kind: 'key', key: match[0] });
      i += match[0].length;
      expectKey = false;
    } else {
      throw new PathSyntaxError(path, i, `expected "." or "[", found "${char}"`);
    }
  }
  if (expectKey && segments.length > 0) throw new PathSyntaxError(path, path.length, 'path ends with "."');
  return segments;
}

/** Reads one "[...]" starting at `open`, pushes its segment, and returns the index of the closing "]". */
function readBracket(path: string, open: number, segments: PathSegment[]): number {
  const quote = path[open + 1];
  if (quote === '"' || quote === "'") {
    let key = '';
    let i = open + 2;
    for (; i < path.length && path[i] !== quote; i++) {
      if (path[i] === '\\' && i + 1 < path.length) i++;
      key += path[i];
    }
    if (path[i] !== quote || path[i + 1] !== ']') throw new PathSyntaxError(path, open, 'unterminated quoted key');
    segments.push({ kind: 'key', key });
    return i + 1;
  }
  const close = path.indexOf(']', open);
  if (close < 0) throw new PathSyntaxError(path, open, 'missing "]"');
  const inner = path.slice(open + 1, close).trim();
  if (inner === '*') segments.push({ kind: 'wildcard' });
  else if (/^-?\d+$/.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
  else throw new PathSyntaxError(path, open + 1, `"[${inner}]" is not an index, "*" or a quoted key`);
  return close;
}

export function hasWildcard(segments: PathSegment[]): boolean {
  return segments.some((segment) => segment.kind === 'wildcard');
}

/** All values the path reaches; missing keys and out-of-range indexes simply produce no match. */
export function selectAll(root: unknown, segments: PathSegment[]): unknown[] {
  let current: unknown[] = [root];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if (segment.kind === 'wildcard') {
        if (Array.isArray(value)) next.push(...value);
        else if (isObject(value)) next.push(...Object.values(value));
      } else if (segment.kind === 'index') {
        if (Array.isArray(value)) {
          const index = segment.index < 0 ? value.length + segment.index : segment.index;
          if (index >= 0 && index < value.length) next.push(value[index]);
        }
      } else if (isObject(value) && Object.hasOwn(value, segment.key)) {
        next.push(value[segment.key]);
      } else if (Array.isArray(value) && segment.key === 'length') {
        next.push(value.length);
      }
    }
    current = next;
  }
  return current;
}

/** Evaluates a path: an array for wildcard paths, else the value or undefined. */
export function evaluatePath(root: unknown, path: string): unknown {
  const segments = parsePath(path);
  const matches = selectAll(root, segments);
  return hasWildcard(segments) ? matches : matches[0];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
