/**
 * Rewrites a guest stack so that it only shows the skill's own frames, mapped through the bundle's source maps
 * to original file:line:col. Frames of the bootstrap, isolated-vm and the host never survive.
 */

import { posix } from 'node:path';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';

const FRAME = /^\s*at (?:(.*?) \()?([^()]+?):(\d+):(\d+)\)?\s*$/;

export class StackMapper {
  readonly #maps = new Map<string, TraceMap | null>();

  constructor(
    private readonly modules: Record<string, string>,
    private readonly sourceMaps: Record<string, string> = {},
  ) {}

  #traceMap(path: string): TraceMap | null {
    let map = this.#maps.get(path);
    if (map === undefined) {
      const raw = Object.hasOwn(this.sourceMaps, path) ? this.sourceMaps[path] : undefined;
      try {
        map = raw ? new TraceMap(raw) : null;
      } catch {
        map = null;
      }
      this.#maps.set(path, map);
    }
    return map;
  }

  /** Original location of a generated position, or the generated one when no map covers it. */
  #locate(path: string, line: number, column: number): string {
    const map = this.#traceMap(path);
    if (map) {
      const pos = originalPositionFor(map, { line, column: column - 1 });
      if (pos.source !== null && pos.line !== null && pos.column !== null) {
        // esbuild writes sources relative to the map; `./x` and `../x` are relative to the module's folder.
        const source = /^\.\.?\//.test(pos.source) ? posix.join(posix.dirname(path), pos.source) : pos.source;
        return `${source}:${pos.line}:${pos.column + 1}`;
      }
    }
    return `${path}:${line}:${column}`;
  }

  /** Builds `Name: message` followed by the mapped skill frames. */
  map(name: string, message: string, stack: string | undefined): string {
    const frames: string[] = [];
    for (const line of (stack ?? '').split('\n')) {
      const m = FRAME.exec(line);
      if (!m) continue;
      const [, fn, file, l, c] = m;
      if (!file || !Object.hasOwn(this.modules, file)) continue;
      const where = this.#locate(file, Number(l), Number(c));
      frames.push(fn ? `    at ${fn} (${where})` : `    at ${where}`);
    }
    return [`${name}: ${message}`, ...frames].join('\n');
  }
}
