import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  BlobNotFoundError,
  BlobRangeNotSatisfiableError,
  type BlobStore,
  InvalidBlobKeyError,
  MAX_BLOB_KEY_LENGTH,
} from '../../src/storage/blob-store.ts';

export async function readAll(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const BAD_KEYS: Array<[string, string]> = [
  ['empty', ''],
  ['parent traversal', '../escape'],
  ['inner traversal', 'a/../../escape'],
  ['trailing traversal', 'a/..'],
  ['leading slash', '/abs/path'],
  ['backslash', 'a\\b'],
  ['NUL', 'a\0b'],
  ['newline', 'a\nb'],
  ['double slash', 'a//b'],
  ['trailing slash', 'a/b/'],
  ['dot segment', 'a/./b'],
  ['too long', 'k'.repeat(MAX_BLOB_KEY_LENGTH + 1)],
];

/**
 * Behaviour every BlobStore must share. `makeStore` is called once per test so each test gets a clean namespace.
 */
export function describeBlobStoreContract(name: string, makeStore: () => BlobStore | Promise<BlobStore>): void {
  describe(`${name}: BlobStore contract`, () => {
    let store: BlobStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('returns the exact bytes that were put, including binary and empty blobs', async () => {
      const data = randomBytes(300_000);
      await store.put('skills/abc/1.0.0/bundle.bin', new Uint8Array(data), { contentType: 'application/octet-stream' });
      const got = await store.get('skills/abc/1.0.0/bundle.bin');
      expect(got).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(got).equals(data)).toBe(true);

      await store.put('empty', new Uint8Array(0), { contentType: 'text/plain' });
      expect((await store.get('empty')).byteLength).toBe(0);
      expect(await store.stat('empty')).toEqual({ size: 0 });
    });

    it('accepts unusual but valid keys', async () => {
      const keys = ['a', '.hidden', 'with space/and+plus=eq', 'unicodé/ключ/文件.txt', 'x'.repeat(200)];
      for (const key of keys) {
        await store.put(key, new TextEncoder().encode(key), { contentType: 'text/plain' });
        expect(new TextDecoder().decode(await store.get(key))).toBe(key);
      }
    });

    it('stats existing and missing keys', async () => {
      await store.put('s/one', new Uint8Array([1, 2, 3]), { contentType: 'application/octet-stream' });
      expect(await store.stat('s/one')).toEqual({ size: 3 });
      expect(await store.stat('s/missing')).toBeNull();
      expect(await store.stat('nowhere/at/all')).toBeNull();
    });

    it('streams the whole blob with its size', async () => {
      const data = randomBytes(100_000);
      await store.put('stream/full', new Uint8Array(data), { contentType: 'application/octet-stream' });
      const { body, size } = await store.stream('stream/full');
      expect(size).toBe(data.length);
      expect(Buffer.from(await readAll(body)).equals(data)).toBe(true);
    });

    it('streams inclusive byte ranges and reports the total size', async () => {
      const data = new Uint8Array(Array.from({ length: 256 }, (_, i) => i));
      await store.put('stream/range', data, { contentType: 'application/octet-stream' });

      const mid = await store.stream('stream/range', { start: 10, end: 19 });
      expect(mid.size).toBe(256);
      expect(Array.from(await readAll(mid.body))).toEqual(Array.from(data.subarray(10, 20)));

      const one = await store.stream('stream/range', { start: 255, end: 255 });
      expect(Array.from(await readAll(one.body))).toEqual([255]);

      // An end past the last byte is clamped, as HTTP servers do.
      const tail = await store.stream('stream/range', { start: 250, end: 10_000 });
      expect(tail.size).toBe(256);
      expect(Array.from(await readAll(tail.body))).toEqual([250, 251, 252, 253, 254, 255]);
    });

    it('rejects unsatisfiable and malformed ranges', async () => {
      await store.put('stream/small', new Uint8Array(10), { contentType: 'application/octet-stream' });
      const err = await store.stream('stream/small', { start: 10, end: 20 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlobRangeNotSatisfiableError);
      expect((err as BlobRangeNotSatisfiableError).size).toBe(10);
      await expect(store.stream('stream/small', { start: 5, end: 4 })).rejects.toBeInstanceOf(RangeError);
      await expect(store.stream('stream/small', { start: -1, end: 4 })).rejects.toBeInstanceOf(RangeError);
    });

    it('lets a consumer cancel a stream early', async () => {
      await store.put('stream/cancel', new Uint8Array(randomBytes(1_000_000)), { contentType: 'x/y' });
      const { body } = await store.stream('stream/cancel');
      const reader = body.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      await reader.cancel();
    });

    it('throws BlobNotFoundError for missing keys on get and stream', async () => {
      const getErr = await store.get('missing/key').catch((e: unknown) => e);
      expect(getErr).toBeInstanceOf(BlobNotFoundError);
      expect((getErr as BlobNotFoundError).key).toBe('missing/key');
      await expect(store.stream('missing/key')).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.stream('missing/key', { start: 0, end: 1 })).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it('overwrites an existing key', async () => {
      await store.put('over/write', new TextEncoder().encode('first version, longer'), { contentType: 'text/plain' });
      await store.put('over/write', new TextEncoder().encode('second'), { contentType: 'text/plain' });
      expect(new TextDecoder().decode(await store.get('over/write'))).toBe('second');
      expect(await store.stat('over/write')).toEqual({ size: 6 });
    });

    it('deletes idempotently', async () => {
      await store.put('del/me', new Uint8Array([1]), { contentType: 'application/octet-stream' });
      await store.delete('del/me');
      expect(await store.stat('del/me')).toBeNull();
      await expect(store.get('del/me')).rejects.toBeInstanceOf(BlobNotFoundError);
      await store.delete('del/me');
      await store.delete('never/existed');
    });

    it('keeps sibling keys independent', async () => {
      await store.put('sib/a', new Uint8Array([1]), { contentType: 'application/octet-stream' });
      await store.put('sib/b', new Uint8Array([2]), { contentType: 'application/octet-stream' });
      await store.delete('sib/a');
      expect(Array.from(await store.get('sib/b'))).toEqual([2]);
    });

    describe('key validation', () => {
      it.each(BAD_KEYS)('rejects %s keys in every operation', async (_label, key) => {
        const ops = [
          () => store.put(key, new Uint8Array([1]), { contentType: 'text/plain' }),
          () => store.get(key),
          () => store.stream(key),
          () => store.stat(key),
          () => store.delete(key),
        ];
        for (const op of ops) await expect(op()).rejects.toBeInstanceOf(InvalidBlobKeyError);
      });

      it('accepts a key of exactly the maximum length', async () => {
        const key = Array.from({ length: 4 }, () => 'k'.repeat(127)).join('/');
        expect(key.length).toBe(MAX_BLOB_KEY_LENGTH - 1);
        await store.put(`${key}k`, new Uint8Array([7]), { contentType: 'text/plain' });
        expect(await store.stat(`${key}k`)).toEqual({ size: 1 });
      });
    });
  });
}
