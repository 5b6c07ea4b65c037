import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import { BlobNotFoundError, BlobRangeNotSatisfiableError, type ByteRange } from '../../storage/blob-store.ts';
import type { AppEnv } from '../context.ts';
import { problemJson } from '../problem.ts';
import { UNTRUSTED_BYTES_HEADERS } from '../untrusted-bytes.ts';
import type { GetRoute } from './artifacts.routes.ts';

/** Images a browser may show in place (in an <img>, where an SVG's scripts never run). */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/svg+xml']);

/**
 * Parses a single `bytes=` range against `size`. Returns undefined when there is no usable Range (other units are
 * ignored, as RFC 9110 allows), or 'unsatisfiable' for a bytes range that cannot be served.
 *
 * @example
 * parseRange('bytes=-10', 100); // { start: 90, end: 99 }
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!header.trim().startsWith('bytes=')) return undefined;
  if (!match || (match[1] === '' && match[2] === '')) return 'unsatisfiable';
  const [, from = '', to = ''] = match;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || (to !== '' && Number(to) < start)) return 'unsatisfiable';
  return { start, end };
}

/**
 * An artifact's bytes as a download, with its ETag and a single byte range. `inline` (the console's previews of
 * images) shows raster and SVG images in place; everything else is always an attachment.
 */
export async function artifactResponse<E extends AppEnv>(
  c: Context<E>,
  id: string,
  options: { range?: string; inline?: boolean } = {},
): Promise<Response> {
  const { runs } = c.var.services;
  const artifact = await runs.getArtifact(c.var.caller, id);
  const etag = `"${artifact.checksum}"`;
  const disposition = options.inline && INLINE_TYPES.has(artifact.mime_type) ? 'inline' : 'attachment';
  const headers: Record<string, string> = {
    etag,
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=31536000, immutable',
    'content-disposition': `${disposition}; filename*=UTF-8''${encodeURIComponent(artifact.name)}`,
    ...UNTRUSTED_BYTES_HEADERS,
  };
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
  const size = artifact.size_bytes;
  const ifRange = c.req.header('if-range');
  const range = ifRange && ifRange !== etag ? undefined : parseRange(options.range, size);
  const unsatisfiable = () => {
    const res = problemJson(
      c,
      new AppError('range_not_satisfiable', `The range cannot be served from an artifact of ${size} bytes`),
    );
    res.headers.set('content-range', `bytes */${size}`);
    return res;
  };
  if (range === 'unsatisfiable') return unsatisfiable();
  try {
    const blob = await runs.openArtifact(artifact, range);
    headers['content-type'] = artifact.mime_type;
    if (range) {
      headers['content-range'] = `bytes ${range.start}-${range.end}/${blob.size}`;
      headers['content-length'] = String(range.end - range.start + 1);
      return c.body(blob.body, 206, headers);
    }
    headers['content-length'] = String(blob.size);
    return c.body(blob.body, 200, headers);
  } catch (error) {
    if (error instanceof BlobRangeNotSatisfiableError) return unsatisfiable();
    if (error instanceof BlobNotFoundError) throw new AppError('gone', 'The artifact content is no longer stored');
    throw error;
  }
}

export const get: RouteHandler<GetRoute, AppEnv> = (c) =>
  artifactResponse(c, c.req.valid('param').id, { range: c.req.valid('header').range });
