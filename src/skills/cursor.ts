import { AppError } from '../errors.ts';

/** Opaque keyset cursor over (created_at, id): stable when rows are inserted between page reads. */
export interface CursorPosition {
  createdAt: string;
  id: string;
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
export function toPage<R extends { created_at: Date | string; id: string }, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
): { data: T[]; next_cursor: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept.at(-1);
  return {
    data: kept.map(map),
    next_cursor:
      more && last ? encodeCursor({ createdAt: new Date(last.created_at).toISOString(), id: last.id }) : null,
  };
}
