import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  assertValidBlobKey,
  assertValidRange,
  BlobNotFoundError,
  BlobRangeNotSatisfiableError,
  type BlobStore,
  type BlobStream,
  type ByteRange,
} from './blob-store.ts';

/**
 * Temp files live next to their target so the final `rename` never crosses a filesystem (which would make it a
 * non-atomic copy). The prefix lets an operator or a sweeper recognise leftovers from a hard crash.
 */
export const LOCAL_TEMP_PREFIX = '.tmp-blob-';

/**
 * Codes meaning "nothing is stored under this key". ENOTDIR: a parent segment is a file (key `a` exists, asked
 * for `a/b`); EISDIR: the key names a directory because longer keys (`a/b`) exist under it.
 */
const NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

function isNotFound(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && NOT_FOUND_CODES.has(code);
}

/**
 * Stores blobs as plain files under `rootDir`, one file per key (`a/b/c` → `<rootDir>/a/b/c`).
 *
 * Limitation: unlike S3, a key cannot also be a prefix of another key (`a` and `a/b` cannot both exist); `put`
 * fails with a clear error in that case. Content types are not persisted since nothing reads them back.
 *
 * @example
 * const store = createLocalBlobStore('/var/lib/open-skills/blobs');
 * await store.put('skills/x/bundle.tgz', bytes, { contentType: 'application/gzip' });
 */
export function createLocalBlobStore(rootDir: string): BlobStore {
  const root = path.resolve(rootDir);

  function pathFor(key: string): string {
    assertValidBlobKey(key);
    const full = path.join(root, ...key.split('/'));
    // Key validation already forbids traversal; this guards against a future change to it.
    if (!full.startsWith(root + path.sep)) throw new Error(`Blob key resolves outside the store root: ${key}`);
    return full;
  }

  async function put(key: string, data: Uint8Array): Promise<void> {
    const target = pathFor(key);
    const dir = path.dirname(target);
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      if (errorCode(err) === 'ENOTDIR' || errorCode(err) === 'EEXIST') throw prefixConflict(key, err);
      throw err;
    }
    const temp = path.join(dir, `${LOCAL_TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    let handle: FileHandle | undefined;
    try {
      // 'wx' so two writers can never share a temp file, even if the random names collided.
      handle = await open(temp, 'wx');
      await handle.writeFile(data);
      // Without fsync, a power loss after rename can leave the new name pointing at an empty or partial file.
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temp, target);
    } catch (err) {
      await handle?.close().catch(() => {});
      await unlink(temp).catch(() => {});
      if (errorCode(err) === 'EISDIR' || errorCode(err) === 'ENOTEMPTY') throw prefixConflict(key, err);
      throw err;
    }
    await syncDir(dir);
  }

  async function get(key: string): Promise<Uint8Array> {
    const file = pathFor(key);
    try {
      const buf = await readFile(file);
      // Hand back a plain Uint8Array so callers comparing bytes see the same type from every backend.
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key, { cause: err });
      throw err;
    }
  }

  async function streamBlob(key: string, range?: ByteRange): Promise<BlobStream> {
    const file = pathFor(key);
    if (range) assertValidRange(range);
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key, { cause: err });
      throw err;
    }
    try {
      // fstat on the open descriptor: the size matches the bytes we will read even if the key is replaced now.
      const info = await handle.stat();
      if (!info.isFile()) throw new BlobNotFoundError(key);
      const size = info.size;
      if (range && range.start >= size) throw new BlobRangeNotSatisfiableError(key, range, size);
      const nodeStream = createReadStream('', {
        fd: handle,
        autoClose: true,
        ...(range ? { start: range.start, end: Math.min(range.end, size - 1) } : {}),
      });
      const body = Readable.toWeb(nodeStream) as ReadableStream<Uint8Array>;
      return { body, size };
    } catch (err) {
      await handle.close().catch(() => {});
      throw err;
    }
  }

  async function statBlob(key: string): Promise<{ size: number } | null> {
    const file = pathFor(key);
    try {
      const info = await stat(file);
      return info.isFile() ? { size: info.size } : null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async function deleteBlob(key: string): Promise<void> {
    const file = pathFor(key);
    try {
      await unlink(file);
    } catch (err) {
      // EPERM: macOS's answer to unlink() on a directory, i.e. a prefix of other keys, not a blob.
      if (isNotFound(err) || errorCode(err) === 'EPERM') return;
      throw err;
    }
    // Empty parent directories are left behind on purpose: removing them would race with a concurrent put that
    // has just created them for its temp file.
  }

  return {
    kind: 'local',
    put: (key, data) => put(key, data),
    get,
    stream: streamBlob,
    stat: statBlob,
    delete: deleteBlob,
  };
}

function prefixConflict(key: string, cause: unknown): Error {
  return new Error(`Cannot store blob ${key}: the local store cannot hold a key that is also a prefix of another key`, {
    cause,
  });
}

/** Persists the rename itself; without it a crash can forget the new directory entry. */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) and filesystems refuse to open or fsync a directory; the data itself is durable.
  } finally {
    await handle?.close().catch(() => {});
  }
}
