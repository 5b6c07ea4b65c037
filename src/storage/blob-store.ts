/**
 * Blob storage contract shared by the local-disk and S3 backends.
 *
 * Keys are opaque, slash-separated names (`skills/<id>/<version>/bundle.tar.gz`). Every backend validates them
 * with {@link assertValidBlobKey} before touching storage, so a key that is safe for S3 is also safe as a relative
 * path on disk and the two backends accept exactly the same keys.
 */

/** An inclusive byte range, as in an HTTP `Range: bytes=start-end` header. */
export interface ByteRange {
  start: number;
  /** Inclusive. Values past the last byte are clamped to it, as HTTP servers do. */
  end: number;
}

export interface BlobStream {
  body: ReadableStream<Uint8Array>;
  /**
   * Total size of the blob in bytes, not the length of `body`: with a range, the body holds
   * `min(end, size - 1) - start + 1` bytes, and `size` is what a `Content-Range: bytes s-e/size` header needs.
   */
  size: number;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Sets `Content-Disposition: attachment; filename=...` on the response. */
  filename?: string;
  /** Overrides the stored `Content-Type` on the response. */
  contentType?: string;
}

export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Stores `data` under `key`, replacing any existing blob. Readers never observe a partial write. */
  put(key: string, data: Uint8Array, opts: { contentType: string }): Promise<void>;
  /** @throws {BlobNotFoundError} */
  get(key: string): Promise<Uint8Array>;
  /**
   * @throws {BlobNotFoundError}
   * @throws {BlobRangeNotSatisfiableError} when `range.start` is at or past the end of the blob.
   */
  stream(key: string, range?: ByteRange): Promise<BlobStream>;
  /** Returns `null` when no blob exists under `key`. */
  stat(key: string): Promise<{ size: number } | null>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  /** Only backends that can serve clients directly (S3) implement this; callers fall back to `stream`. */
  presignGet?(key: string, opts: PresignGetOptions): Promise<string>;
}

export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  constructor(
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(`Blob not found: ${key}`, options);
  }
}

/** Maps to HTTP 416; `size` lets the caller answer with `Content-Range: bytes *\/size`. */
export class BlobRangeNotSatisfiableError extends Error {
  override readonly name = 'BlobRangeNotSatisfiableError';
  constructor(
    readonly key: string,
    readonly range: ByteRange,
    readonly size: number,
  ) {
    super(`Range ${range.start}-${range.end} not satisfiable for blob ${key} of ${size} bytes`);
  }
}

/** A programming error in the caller (bad key or range), never a storage failure. */
export class InvalidBlobKeyError extends Error {
  override readonly name = 'InvalidBlobKeyError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid blob key ${JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)}: ${reason}`);
  }
}

export const MAX_BLOB_KEY_LENGTH = 512;
/** Most filesystems cap a single path component at 255 bytes; S3 has no such limit, but both stores must agree. */
const MAX_SEGMENT_BYTES = 255;

/**
 * Throws {@link InvalidBlobKeyError} unless `key` is a safe, canonical blob key.
 *
 * Besides the traversal checks, empty and `.` segments are rejected because on disk `a//b` and `a/./b` alias
 * `a/b` while on S3 they are different objects. Control characters are rejected because keys end up in HTTP
 * headers and log lines.
 *
 * @example
 * assertValidBlobKey('skills/abc/1.0.0/bundle.tar.gz'); // ok
 * assertValidBlobKey('../etc/passwd'); // throws InvalidBlobKeyError
 */
export function assertValidBlobKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidBlobKeyError(String(key), 'must be non-empty');
  if (key.length > MAX_BLOB_KEY_LENGTH) {
    throw new InvalidBlobKeyError(key, `longer than ${MAX_BLOB_KEY_LENGTH} characters`);
  }
  if (key.includes('\0')) throw new InvalidBlobKeyError(key, 'contains a NUL character');
  if (/[\u0000-\u001f\u007f]/.test(key)) throw new InvalidBlobKeyError(key, 'contains a control character');
  if (key.includes('\\')) throw new InvalidBlobKeyError(key, 'contains a backslash');
  if (key.startsWith('/')) throw new InvalidBlobKeyError(key, 'starts with a slash');
  for (const segment of key.split('/')) {
    if (segment === '..') throw new InvalidBlobKeyError(key, "contains a '..' segment");
    if (segment === '.') throw new InvalidBlobKeyError(key, "contains a '.' segment");
    if (segment === '') throw new InvalidBlobKeyError(key, 'contains an empty segment (// or trailing slash)');
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
      throw new InvalidBlobKeyError(key, `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
}

/** Throws a `RangeError` for ranges no backend could serve; clamping `end` to the blob size is the backend's job. */
export function assertValidRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`Invalid byte range ${start}-${end}: need integers with 0 <= start <= end`);
  }
}
