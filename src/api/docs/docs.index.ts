/**
 * The API reference at /docs, fully served by this app: Scalar's page, and its standalone bundle from the npm
 * package `@scalar/api-reference` at /docs/assets/standalone.js (no CDN, no web fonts, no telemetry), so the
 * reference works on a host without internet access.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Scalar } from '@scalar/hono-api-reference';
import { Hono } from 'hono';
import { sha256Hex } from '../../skills/bundle.ts';

/** Gzip with the web-standard CompressionStream (Node and Deno alike; zlib's default level, 6). */
async function gzipOf(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export const DOCS_BUNDLE_PATH = '/docs/assets/standalone.js';

/** The package's single-file browser build (it loads nothing else). */
const bundleFile = () =>
  join(dirname(dirname(createRequire(import.meta.url).resolve('@scalar/api-reference'))), 'dist/browser/standalone.js');

interface Asset {
  plain: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  etag: string;
}

/** The Scalar page and its bundle; the bundle (4 MB, 1 MB gzipped) is read once, on the first request for it. */
export function docsRouter(options: { openApiUrl: string; pageTitle: string }) {
  let asset: Promise<Asset> | undefined;
  // Compressed once, in chunks off the event loop's hot path.
  const load = (): Promise<Asset> => {
    asset ??= (async () => {
      const plain = new Uint8Array(await readFile(bundleFile()));
      const gzip = await gzipOf(plain);
      return { plain, gzip, etag: `"${sha256Hex(plain)}"` };
    })();
    return asset;
  };

  const router = new Hono();
  router.get(
    '/docs',
    Scalar({
      url: options.openApiUrl,
      pageTitle: options.pageTitle,
      cdn: DOCS_BUNDLE_PATH,
      withDefaultFonts: false,
      telemetry: false,
    }),
  );
  router.get(DOCS_BUNDLE_PATH, async (c) => {
    const { plain, gzip, etag } = await load();
    const headers: Record<string, string> = {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
      etag,
      vary: 'accept-encoding',
    };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    const gzipped = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    if (gzipped) headers['content-encoding'] = 'gzip';
    return c.body(gzipped ? gzip : plain, 200, headers);
  });
  return router;
}
