import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobNotFoundError } from '../../src/storage/blob-store.ts';
import { createLocalBlobStore, LOCAL_TEMP_PREFIX } from '../../src/storage/local-blob-store.ts';
import { describeBlobStoreContract } from './blob-store-contract.ts';

let baseDir: string;
let counter = 0;
const newRoot = () => path.join(baseDir, `store-${++counter}`);

beforeAll(async () => {
  baseDir = await mkdtemp(path.join(tmpdir(), 'open-skills-local-blob-'));
});
afterAll(async () => {
  await rm(baseDir, { recursive: true, force: true });
});

describeBlobStoreContract('local', () => createLocalBlobStore(newRoot()));

/** Every file under `dir`, relative, so tests can assert on exact disk contents (including temp litter). */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('local blob store specifics', () => {
  it('maps keys to files under the root and nowhere else', async () => {
    const root = newRoot();
    const store = createLocalBlobStore(root);
    expect(store.kind).toBe('local');
    expect(store.presignGet).toBeUndefined();
    await store.put('a/b/c.txt', new TextEncoder().encode('hi'), { contentType: 'text/plain' });
    expect(await listFiles(root)).toEqual([path.join('a', 'b', 'c.txt')]);
  });

  it('leaves neither the key nor temp files behind when the final rename fails', async () => {
    const root = newRoot();
    const store = createLocalBlobStore(root);
    // A directory under the key's path makes rename(temp, target) fail after the data was written and fsynced.
    await mkdir(path.join(root, 'blocked', 'key'), { recursive: true });
    await expect(
      store.put('blocked/key', new Uint8Array(64 * 1024), { contentType: 'application/octet-stream' }),
    ).rejects.toThrow(/prefix of another key/);
    expect(await listFiles(root)).toEqual([]);
    expect(await store.stat('blocked/key')).toBeNull();
    await expect(store.get('blocked/key')).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('leaves no temp files when writing the data itself fails', async () => {
    const root = newRoot();
    const store = createLocalBlobStore(root);
    // Not a real Uint8Array: the write into the opened temp file throws, exercising the cleanup path.
    const poisoned = { byteLength: 3 } as unknown as Uint8Array;
    await expect(store.put('bad/data', poisoned, { contentType: 'application/octet-stream' })).rejects.toThrow();
    expect(await listFiles(root)).toEqual([]);
    expect(await store.stat('bad/data')).toBeNull();
  });

  it('never exposes a partial file under the key while a put is in flight', async () => {
    const root = newRoot();
    const store = createLocalBlobStore(root);
    const big = new Uint8Array(8 * 1024 * 1024).fill(7);
    await store.put('race/key', new Uint8Array([1]), { contentType: 'application/octet-stream' });
    const writing = store.put('race/key', big, { contentType: 'application/octet-stream' });
    // Readers see either the old one-byte blob or the complete new one, never something in between.
    for (let i = 0; i < 20; i++) {
      const size = (await store.stat('race/key'))?.size;
      expect([1, big.length]).toContain(size);
    }
    await writing;
    expect(await store.stat('race/key')).toEqual({ size: big.length });
    const names = await readdir(path.join(root, 'race'));
    expect(names.filter((n) => n.startsWith(LOCAL_TEMP_PREFIX))).toEqual([]);
  });

  it('treats a key that is only a directory (a prefix of other keys) as missing', async () => {
    const store = createLocalBlobStore(newRoot());
    await store.put('dir/child', new Uint8Array([1]), { contentType: 'application/octet-stream' });
    expect(await store.stat('dir')).toBeNull();
    await expect(store.get('dir')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.stream('dir')).rejects.toBeInstanceOf(BlobNotFoundError);
    await store.delete('dir');
    expect(await store.stat('dir/child')).toEqual({ size: 1 });
  });

  it('treats a key below an existing blob as missing and refuses to put it', async () => {
    const root = newRoot();
    const store = createLocalBlobStore(root);
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, 'file'), 'x');
    expect(await store.stat('file/below')).toBeNull();
    await expect(store.get('file/below')).rejects.toBeInstanceOf(BlobNotFoundError);
    await store.delete('file/below');
    await expect(store.put('file/below', new Uint8Array([1]), { contentType: 'x/y' })).rejects.toThrow(
      /prefix of another key/,
    );
  });
});
