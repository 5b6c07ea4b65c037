import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { extract as tarExtract } from 'tar-stream';
import { AppError, type FieldError } from '../errors.ts';
import { type BundleLimits, formatBytes } from './limits.ts';

/** One file of an uploaded bundle, with its path inside the archive. */
export interface RawFile {
  path: string;
  data: Uint8Array;
}

const reject = (detail: string, errors: FieldError[] = []) => new AppError('invalid_bundle', detail, { errors });
const tooLarge = (detail: string) => new AppError('payload_too_large', detail);

/** Refuses absolute paths, `..`, backslashes, drive letters and control characters (zip-slip). */
export function checkPath(path: string): string | undefined {
  if (path.length === 0 || path.length > 512) return 'path must be 1-512 characters';
  if (/[\u0000-\u001f\\]/.test(path)) return 'path contains a backslash or a control character';
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) return 'absolute paths are not allowed';
  if (path.split('/').some((part) => part === '..')) return '".." is not allowed in paths';
  return undefined;
}

function checkCounts(files: { path: string; size: number }[], limits: BundleLimits): void {
  if (files.length > limits.maxFiles) {
    throw tooLarge(`The bundle has ${files.length} files; at most ${limits.maxFiles} are allowed`);
  }
  let total = 0;
  for (const file of files) {
    if (file.size > limits.maxFileBytes) {
      throw tooLarge(
        `${file.path} is ${formatBytes(file.size)}; no file may exceed ${formatBytes(limits.maxFileBytes)}`,
      );
    }
    total += file.size;
  }
  if (total > limits.maxUncompressedBytes) {
    throw tooLarge(
      `The bundle expands to ${formatBytes(total)}; at most ${formatBytes(limits.maxUncompressedBytes)} are allowed`,
    );
  }
}

interface ZipEntry {
  path: string;
  compressedSize: number;
  size: number;
  isDirectory: boolean;
  isSpecial: boolean;
}

/**
 * Reads the zip central directory ourselves: fflate does not expose the Unix mode bits, and symlinks or device
 * files hide there.
 */
function readZipDirectory(data: Uint8Array): ZipEntry[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw reject('The upload is not a valid zip archive (no end of central directory)');
  const count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (offset + 46 > data.length || view.getUint32(offset, true) !== 0x02014b50) {
      throw reject('The zip archive is corrupt (bad central directory entry)');
    }
    const madeBy = view.getUint16(offset + 4, true) >> 8;
    const compressedSize = view.getUint32(offset + 20, true);
    const size = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const externalAttributes = view.getUint32(offset + 38, true);
    const path = decoder.decode(data.subarray(offset + 46, offset + 46 + nameLength));
    // Unix host (3): the high 16 bits are st_mode; anything but a regular file or directory is refused.
    const mode = madeBy === 3 ? externalAttributes >>> 16 : 0;
    const type = mode & 0o170000;
    const isDirectory = path.endsWith('/') || type === 0o040000;
    entries.push({
      path,
      compressedSize,
      size,
      isDirectory,
      isSpecial: type !== 0 && type !== 0o100000 && !isDirectory,
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export function extractZip(data: Uint8Array, limits: BundleLimits): RawFile[] {
  const entries = readZipDirectory(data);
  const errors: FieldError[] = [];
  const files = entries.filter((e) => !e.isDirectory);
  for (const entry of entries) {
    const pathProblem = checkPath(entry.path.replace(/\/$/, ''));
    if (pathProblem) errors.push({ field: entry.path, message: pathProblem });
    if (entry.isSpecial) errors.push({ field: entry.path, message: 'symlinks and device files are not allowed' });
  }
  if (errors.length) throw reject('The archive contains entries that are not allowed', errors);
  checkCounts(files, limits);
  for (const entry of files) {
    const ratio = entry.size / Math.max(1, entry.compressedSize);
    if (entry.size > 1024 * 1024 && ratio > limits.maxCompressionRatio) {
      throw reject(`${entry.path} expands ${Math.round(ratio)}:1, which looks like a compression bomb`);
    }
  }
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(data, { filter: (file) => !file.name.endsWith('/') });
  } catch (error) {
    throw reject(`The zip archive cannot be read: ${(error as Error).message}`);
  }
  const result = Object.entries(unzipped).map(([path, bytes]) => ({ path, data: bytes }));
  // Declared sizes can lie; the real sizes are checked again.
  checkCounts(
    result.map((f) => ({ path: f.path, size: f.data.length })),
    limits,
  );
  return result;
}

export async function extractTarGz(data: Uint8Array, limits: BundleLimits): Promise<RawFile[]> {
  let tar: Buffer;
  try {
    tar = gunzipSync(data, { maxOutputLength: limits.maxUncompressedBytes + 1024 * 1024 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge(`The bundle expands past ${formatBytes(limits.maxUncompressedBytes)}`);
    }
    throw reject(`The upload is not a valid gzip archive: ${(error as Error).message}`);
  }
  if (tar.length > 1024 * 1024 && tar.length / data.length > limits.maxCompressionRatio) {
    throw reject(`The archive expands ${Math.round(tar.length / data.length)}:1, which looks like a compression bomb`);
  }
  const files: RawFile[] = [];
  const errors: FieldError[] = [];
  const extractor = tarExtract();
  const done = new Promise<void>((resolve, reject_) => {
    extractor.on('entry', (header, stream, next) => {
      const path = header.name.replace(/^\.\//, '');
      const chunks: Buffer[] = [];
      stream.on('data', (chunk) => chunks.push(chunk as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') {
          const problem = checkPath(path);
          if (problem) errors.push({ field: path, message: problem });
          else files.push({ path, data: new Uint8Array(Buffer.concat(chunks)) });
        } else if (header.type !== 'directory') {
          errors.push({ field: path, message: `${header.type} entries (symlinks, devices, ...) are not allowed` });
        }
        next();
      });
      stream.resume();
    });
    extractor.on('finish', resolve);
    extractor.on('error', reject_);
  });
  extractor.end(tar);
  try {
    await done;
  } catch (error) {
    throw reject(`The tar archive cannot be read: ${(error as Error).message}`);
  }
  if (errors.length) throw reject('The archive contains entries that are not allowed', errors);
  checkCounts(
    files.map((f) => ({ path: f.path, size: f.data.length })),
    limits,
  );
  return files;
}

/** Detects the archive kind by its magic bytes, so a wrong file extension does not matter. */
export async function extractArchive(data: Uint8Array, limits: BundleLimits): Promise<RawFile[]> {
  if (data[0] === 0x50 && data[1] === 0x4b) return extractZip(data, limits);
  if (data[0] === 0x1f && data[1] === 0x8b) return extractTarGz(data, limits);
  throw new AppError('unsupported_media_type', 'The bundle must be a zip or a tar.gz archive');
}
