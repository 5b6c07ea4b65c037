/**
 * Uploaded archives, read entry by entry as the decompressor produces them. Nothing the archive declares is trusted
 * (end-of-central-directory counts, entry sizes, modes it does not state): limits are enforced on the bytes that
 * actually come out of the inflater, while they come out, so a small upload can never expand past the limits. Both
 * readers stream through zlib off the event loop's critical path (a chunk at a time).
 */
import { posix } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError, type FieldError } from '../errors.ts';
import { type BundleLimits, formatBytes } from './limits.ts';

/** One file of an uploaded bundle, with its path inside the archive. */
export interface RawFile {
  path: string;
  data: Uint8Array;
}

const reject = (detail: string, errors: FieldError[] = []) => new AppError('invalid_bundle', detail, { errors });
const tooLarge = (detail: string) => new AppError('payload_too_large', detail);

/** Refuses absolute paths, `..`, backslashes, drive letters and control characters, NUL included (zip-slip). */
export function checkPath(path: string): string | undefined {
  if (path.length === 0 || path.length > 512) return 'path must be 1-512 characters';
  if (/[\u0000-\u001f\\]/.test(path)) return 'path contains a backslash or a control character';
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return 'absolute paths are not allowed';
  if (path.split('/').some((part) => part === '..')) return '".." is not allowed in paths';
  return undefined;
}

/**
 * The limits of one archive, applied to what the inflater produces: file count, bytes per file, bytes in all, the
 * expansion ratio, and one entry per path.
 */
class Budget {
  #files = 0;
  #total = 0;
  readonly #paths = new Set<string>();
  readonly problems: FieldError[] = [];

  constructor(
    private readonly limits: BundleLimits,
    private readonly uploadBytes: number,
  ) {}

  /** Registers an entry; path, type and duplicate problems are collected. Returns whether to read its bytes. */
  entry(path: string, type: 'file' | 'directory' | 'other'): boolean {
    const clean = path.replace(/^\.\//, '').replace(/\/$/, '');
    const problem = checkPath(clean);
    if (problem) this.problems.push({ field: path, message: problem });
    else if (type === 'other')
      this.problems.push({ field: path, message: 'symlinks and device files are not allowed' });
    if (problem || type !== 'file') return false;
    const key = posix.normalize(clean);
    if (this.#paths.has(key)) {
      this.problems.push({ field: path, message: 'the archive has this path twice' });
      return false;
    }
    this.#paths.add(key);
    this.#files++;
    return true;
  }

  /** Refuses more files than allowed; `complete`: every entry was counted (else the count is a lower bound). */
  checkCount(complete: boolean): void {
    const max = this.limits.maxFiles;
    if (this.#files <= max) return;
    const count = complete ? String(this.#files) : `more than ${max}`;
    throw tooLarge(`The bundle has ${count} files; at most ${max} are allowed`);
  }

  /** Refuses early on what an entry declares (never accepts on it: the inflated bytes are counted again). */
  declared(path: string, size: number, total: number): void {
    const { maxFileBytes, maxUncompressedBytes } = this.limits;
    if (size > maxFileBytes) {
      throw tooLarge(`${path} is ${formatBytes(size)}; no file may exceed ${formatBytes(maxFileBytes)}`);
    }
    if (total > maxUncompressedBytes) {
      const most = formatBytes(maxUncompressedBytes);
      throw tooLarge(`The bundle expands to ${formatBytes(total)}; at most ${most} are allowed`);
    }
  }

  /** Counts inflated bytes of one entry (`size` so far, `compressed` bytes it came from, when known). */
  bytes(path: string, chunk: number, size: number, compressed?: number): void {
    this.#total += chunk;
    const { maxFileBytes, maxUncompressedBytes, maxCompressionRatio } = this.limits;
    if (size > maxFileBytes) {
      throw tooLarge(`${path} is over ${formatBytes(maxFileBytes)}; no file may exceed ${formatBytes(maxFileBytes)}`);
    }
    if (this.#total > maxUncompressedBytes) {
      throw tooLarge(`The bundle expands past ${formatBytes(maxUncompressedBytes)}, the most allowed`);
    }
    const bomb = (bytes: number, from: number) =>
      bytes > 1024 * 1024 && bytes / Math.max(1, from) > maxCompressionRatio;
    if ((compressed !== undefined && bomb(size, compressed)) || bomb(this.#total, this.uploadBytes)) {
      throw reject(`${path} expands more than ${maxCompressionRatio}:1, which looks like a compression bomb`);
    }
  }

  done(): void {
    if (this.problems.length) throw reject('The archive contains entries that are not allowed', this.problems);
  }
}

/** Reads a stream to bytes, counting every chunk against the budget as it arrives. */
async function collect(
  stream: AsyncIterable<unknown>,
  count: (chunk: number, size: number) => void,
): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const data of stream) {
    const chunk = data as Buffer;
    size += chunk.length;
    count(chunk.length, size);
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

const asAppError = (error: unknown, what: string) =>
  error instanceof AppError ? error : reject(`The ${what} cannot be read: ${(error as Error).message}`);

/** An entry's name: yauzl leaves it undecoded (`decodeStrings: false`) so that this module checks it. */
const entryName = (entry: Entry) => new TextDecoder().decode(entry.fileName as unknown as Uint8Array);

/** Unix mode bits of a zip entry, when the archive was made on Unix (else 0). */
function zipEntryType(entry: Entry): 'file' | 'directory' | 'other' {
  if (entryName(entry).endsWith('/')) return 'directory';
  const mode = entry.versionMadeBy >> 8 === 3 ? (entry.externalFileAttributes >>> 16) & 0o170000 : 0;
  if (mode === 0o040000) return 'directory';
  return mode === 0 || mode === 0o100000 ? 'file' : 'other';
}

function openZip(data: Uint8Array): Promise<ZipFile> {
  return new Promise((resolve, fail) =>
    yauzl.fromBuffer(
      Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      // Names are decoded and checked here (yauzl's own check would refuse without saying which entry).
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: false },
      (error, zip) => (error ? fail(error) : resolve(zip)),
    ),
  );
}

/** Every entry of the central directory, as yauzl enumerates them (no data is inflated yet). */
function listZip(zip: ZipFile): Promise<Entry[]> {
  const entries: Entry[] = [];
  return new Promise((resolve, fail) => {
    zip.on('error', fail);
    zip.on('end', () => resolve(entries));
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.readEntry();
  });
}

function inflateEntry(zip: ZipFile, entry: Entry, count: (chunk: number, size: number) => void): Promise<Uint8Array> {
  return new Promise((resolve, fail) =>
    zip.openReadStream(entry, (error, stream) => {
      if (error) return fail(error);
      collect(stream, count).then(resolve, (e) => {
        stream.destroy();
        fail(e);
      });
    }),
  );
}

export async function extractZip(data: Uint8Array, limits: BundleLimits): Promise<RawFile[]> {
  let zip: ZipFile;
  try {
    zip = await openZip(data);
  } catch (error) {
    throw reject(`The upload is not a valid zip archive (${(error as Error).message})`);
  }
  const budget = new Budget(limits, data.byteLength);
  const files: RawFile[] = [];
  try {
    const entries = await listZip(zip);
    const wanted = entries.filter((entry) => budget.entry(entryName(entry), zipEntryType(entry)));
    budget.done();
    budget.checkCount(true);
    let declared = 0;
    for (const entry of wanted) {
      declared += entry.uncompressedSize;
      budget.declared(entryName(entry), entry.uncompressedSize, declared);
    }
    for (const entry of wanted) {
      const path = entryName(entry);
      const bytes = await inflateEntry(zip, entry, (chunk, size) =>
        budget.bytes(path, chunk, size, entry.compressedSize),
      );
      files.push({ path, data: bytes });
    }
  } catch (error) {
    throw asAppError(error, 'zip archive');
  } finally {
    zip.close();
  }
  return files;
}

/** Counts the bytes gunzip produces and stops the stream past the limit (tar headers and padding allowed for). */
function gunzipBudget(limits: BundleLimits): Transform {
  const max = limits.maxUncompressedBytes + (limits.maxFiles + 8) * 1536;
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      total += chunk.length;
      if (total > max)
        done(tooLarge(`The bundle expands past ${formatBytes(limits.maxUncompressedBytes)}, the most allowed`));
      else done(null, chunk);
    },
  });
}

export async function extractTarGz(data: Uint8Array, limits: BundleLimits): Promise<RawFile[]> {
  const budget = new Budget(limits, data.byteLength);
  const files: RawFile[] = [];
  const extractor = tarExtract();
  // The first limit crossed is the answer, whatever the stream pipeline reports after it was stopped.
  let limit: Error | undefined;
  const stop = (error: Error) => {
    limit ??= error;
    extractor.destroy(error);
  };
  extractor.on('entry', (header, stream, next) => {
    const path = header.name;
    const type =
      header.type === 'file' || header.type === 'contiguous-file'
        ? 'file'
        : header.type === 'directory'
          ? 'directory'
          : 'other';
    const wanted = budget.entry(path, type);
    try {
      budget.checkCount(false);
    } catch (error) {
      stream.resume();
      return stop(error as Error);
    }
    if (!wanted) {
      stream.on('end', () => next());
      return stream.resume();
    }
    collect(stream, (chunk, size) => budget.bytes(path, chunk, size)).then(
      (bytes) => {
        files.push({ path: path.replace(/^\.\//, ''), data: bytes });
        next();
      },
      (error: Error) => stop(error),
    );
  });
  try {
    await pipeline(
      Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]),
      createGunzip(),
      gunzipBudget(limits),
      extractor,
    );
  } catch (error) {
    if (limit instanceof AppError) throw limit;
    if (error instanceof AppError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw reject(
      `The upload is not a valid ${code.startsWith('Z_') ? 'gzip' : 'tar'} archive: ${(error as Error).message}`,
    );
  }
  budget.done();
  return files;
}

/** Detects the archive kind by its magic bytes, so a wrong file extension does not matter. */
export async function extractArchive(data: Uint8Array, limits: BundleLimits): Promise<RawFile[]> {
  if (data[0] === 0x50 && data[1] === 0x4b) return extractZip(data, limits);
  if (data[0] === 0x1f && data[1] === 0x8b) return extractTarGz(data, limits);
  throw new AppError('unsupported_media_type', 'The bundle must be a zip or a tar.gz archive');
}
