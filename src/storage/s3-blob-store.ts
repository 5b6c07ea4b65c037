import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import {
  assertValidBlobKey,
  assertValidRange,
  BlobNotFoundError,
  BlobRangeNotSatisfiableError,
  type BlobStore,
  type BlobStream,
  type ByteRange,
} from './blob-store.ts';

export interface S3BlobStoreOptions {
  bucket: string;
  region: string;
  /** For S3-compatible services (MinIO, R2, s3rver). */
  endpoint?: string;
  /** Defaults to `true` when `endpoint` is set, since most S3-compatible services lack virtual-host buckets. */
  forcePathStyle?: boolean;
  /** Both or neither; when omitted the SDK's default credential chain applies. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Prepended to every key, e.g. `open-skills/` to share a bucket. A trailing slash is added if missing. */
  prefix?: string;
}

/**
 * Stores blobs as S3 objects. A PUT is atomic on S3, so no temp-object dance is needed.
 *
 * `presignGet` is not implemented: it needs `@aws-sdk/s3-request-presigner`, which is not a dependency yet.
 *
 * @example
 * const store = createS3BlobStore({ bucket: 'skills', region: 'us-east-1', endpoint: 'http://127.0.0.1:9000' });
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const { bucket, region, endpoint } = options;
  if (!bucket) throw new Error('S3 blob store: bucket is required');
  if (!region) throw new Error('S3 blob store: region is required');
  if ((options.accessKeyId === undefined) !== (options.secretAccessKey === undefined)) {
    throw new Error('S3 blob store: accessKeyId and secretAccessKey must be given together');
  }
  const prefix = normalizePrefix(options.prefix);

  const config: S3ClientConfig = {
    region,
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
    // The SDK's default (WHEN_SUPPORTED) adds CRC32 trailers that many S3-compatible servers reject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  if (endpoint !== undefined) config.endpoint = endpoint;
  if (options.accessKeyId !== undefined && options.secretAccessKey !== undefined) {
    config.credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
  }
  const client = new S3Client(config);

  function objectKey(key: string): string {
    assertValidBlobKey(key);
    return prefix + key;
  }

  async function getObject(key: string, range?: ByteRange): Promise<GetObjectCommandOutput> {
    const Key = objectKey(key);
    try {
      return await client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key,
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key, { cause: err });
      if (range && statusOf(err) === 416) {
        // S3's 416 body carries no object size, so ask for it; the caller needs it for `Content-Range: */size`.
        const info = await statBlob(key);
        if (!info) throw new BlobNotFoundError(key, { cause: err });
        throw new BlobRangeNotSatisfiableError(key, range, info.size);
      }
      throw err;
    }
  }

  async function put(key: string, data: Uint8Array, opts: { contentType: string }): Promise<void> {
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: objectKey(key),
        Body: data,
        ContentType: opts.contentType,
        ContentLength: data.byteLength,
      }),
    );
  }

  async function get(key: string): Promise<Uint8Array> {
    const out = await getObject(key);
    if (!out.Body) throw new Error(`S3 returned no body for ${key}`);
    return out.Body.transformToByteArray();
  }

  async function streamBlob(key: string, range?: ByteRange): Promise<BlobStream> {
    if (range) assertValidRange(range);
    const out = await getObject(key, range);
    if (!out.Body) throw new Error(`S3 returned no body for ${key}`);
    const size = range ? totalFromContentRange(out.ContentRange) : out.ContentLength;
    if (size === undefined) {
      await out.Body.transformToWebStream().cancel();
      throw new Error(`S3 response for ${key} lacks ${range ? 'Content-Range' : 'Content-Length'}`);
    }
    return { body: out.Body.transformToWebStream() as ReadableStream<Uint8Array>, size };
  }

  async function statBlob(key: string): Promise<{ size: number } | null> {
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
      return { size: out.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async function deleteBlob(key: string): Promise<void> {
    // S3 answers 204 for missing keys too, so this is idempotent without a HEAD first.
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
  }

  return { kind: 's3', put, get, stream: streamBlob, stat: statBlob, delete: deleteBlob };
}

function normalizePrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '') return '';
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  assertValidBlobKey(trimmed);
  return `${trimmed}/`;
}

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('$metadata' in err)) return undefined;
  const meta = err.$metadata as { httpStatusCode?: number } | undefined;
  return meta?.httpStatusCode;
}

/** GetObject reports `NoSuchKey`, HeadObject (no body to parse) reports `NotFound`; both are a 404. */
function isNotFound(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const name = 'name' in err ? err.name : undefined;
  // A missing bucket is a misconfiguration, not a missing blob; surface it.
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(err) === 404;
}

/** `bytes 0-9/1234` → 1234. `*` (unknown total) yields undefined. */
function totalFromContentRange(header: string | undefined): number | undefined {
  const match = header ? /^bytes \d+-\d+\/(\d+)$/.exec(header.trim()) : null;
  return match?.[1] ? Number(match[1]) : undefined;
}
