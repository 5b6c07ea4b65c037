import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from '@20minutes/s3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3BlobStore, type S3BlobStoreOptions } from '../../src/storage/s3-blob-store.ts';
import { describeBlobStoreContract } from './blob-store-contract.ts';

const BUCKET = 'test-bucket';
let server: S3rver;
let dataDir: string;
let endpoint: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'open-skills-s3rver-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dataDir,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  // The SDK keeps sockets alive; without this, close() waits for them to time out.
  server.httpServer?.closeAllConnections();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

function options(overrides: Partial<S3BlobStoreOptions> = {}): S3BlobStoreOptions {
  return {
    bucket: BUCKET,
    region: 'us-east-1',
    endpoint,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    // A fresh prefix per store keeps tests isolated inside the one bucket.
    prefix: `run-${randomUUID()}`,
    ...overrides,
  };
}

describeBlobStoreContract('s3', () => createS3BlobStore(options()));

describe('s3 blob store specifics', () => {
  it('reports its kind and has no presigner without @aws-sdk/s3-request-presigner', () => {
    const store = createS3BlobStore(options());
    expect(store.kind).toBe('s3');
    expect(store.presignGet).toBeUndefined();
  });

  it('namespaces keys under the prefix', async () => {
    const prefix = `shared-${randomUUID()}`;
    const withSlash = createS3BlobStore(options({ prefix: `${prefix}/` }));
    const withoutSlash = createS3BlobStore(options({ prefix }));
    const unprefixed = createS3BlobStore(options({ prefix: undefined }));
    await withSlash.put('k', new Uint8Array([4, 2]), { contentType: 'application/octet-stream' });
    expect(Array.from(await withoutSlash.get('k'))).toEqual([4, 2]);
    expect(await unprefixed.stat(`${prefix}/k`)).toEqual({ size: 2 });
    await unprefixed.delete(`${prefix}/k`);
  });

  it('fails with a signature error on wrong credentials instead of reporting a missing blob', async () => {
    const store = createS3BlobStore(options({ secretAccessKey: 'wrong' }));
    const err = await store.get('anything').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('SignatureDoesNotMatch');
  });

  it('surfaces a missing bucket instead of reporting a missing blob', async () => {
    const store = createS3BlobStore(options({ bucket: 'no-such-bucket' }));
    const err = await store.get('anything').catch((e: unknown) => e);
    expect((err as Error).name).toBe('NoSuchBucket');
  });

  it('validates its configuration', () => {
    expect(() => createS3BlobStore(options({ secretAccessKey: undefined }))).toThrow(/together/);
    expect(() => createS3BlobStore(options({ prefix: '../up' }))).toThrow(/Invalid blob key/);
    expect(() => createS3BlobStore(options({ bucket: '' }))).toThrow(/bucket/);
  });
});
