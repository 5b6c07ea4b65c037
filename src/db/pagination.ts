/**
 * Keyset pagination over `(created_at, id)`, newest first, for every listing of the API: an opaque cursor that
 * stays stable when rows are inserted between page reads, and the one query shape that reads a page.
 */
import { AppError } from '../errors.ts';
import type { Queryable } from './database.ts';
import type { Where } from './where.ts';

export interface CursorPosition {
  createdAt: string;
  id: string;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (!cursor) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof createdAt !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(createdAt)))
      throw new Error();
    return { createdAt, id };
  } catch {
    throw new AppError('invalid_request', 'The cursor is not valid; pass next_cursor from a previous page unchanged', {
      errors: [{ field: 'query.cursor', message: 'not a cursor from this API' }],
    });
  }
}

/** Takes `limit + 1` rows and returns a page with the cursor of its last row when more remain. */
function toPage<R extends { created_at: Date | string; id: string }>(rows: R[], limit: number): Page<R> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept.at(-1);
  return {
    data: kept,
    next_cursor:
      more && last ? encodeCursor({ createdAt: new Date(last.created_at).toISOString(), id: last.id }) : null,
  };
}

/** The same page with every item mapped. */
export const mapPage = <R, T>(page: Page<R>, map: (row: R) => T): Page<T> => ({
  data: page.data.map(map),
  next_cursor: page.next_cursor,
});

/**
 * Reads one page of `from` (a table with its alias, or a join) filtered by `where`, newest first (or oldest first
 * with `order: 'asc'`, which the OpenAI-compatible listings offer).
 *
 * @example
 * const page = await keysetPage<RunRow>(db, { select: 'r.*', from: 'skill_runs r', alias: 'r', where, cursor, limit });
 */
export async function keysetPage<R extends { created_at: Date | string; id: string }>(
  db: Queryable,
  query: {
    select: string;
    from: string;
    alias: string;
    where: Where;
    cursor?: string;
    limit: number;
    order?: 'asc' | 'desc';
  },
): Promise<Page<R>> {
  const { alias: a, where } = query;
  const order = query.order === 'asc' ? 'asc' : 'desc';
  const after = decodeCursor(query.cursor);
  if (after) {
    const past = order === 'asc' ? '>' : '<';
    where.add(
      (t, id) => `(${a}.created_at, ${a}.id) ${past} (${t}::timestamptz, ${id}::uuid)`,
      after.createdAt,
      after.id,
    );
  }
  const limit = where.param(query.limit + 1);
  const rows = await db.query<R>(
    `select ${query.select} from ${query.from} where ${where.sql} order by ${a}.created_at ${order}, ${a}.id ${order} limit ${limit}`,
    where.params,
  );
  return toPage(rows, query.limit);
}
