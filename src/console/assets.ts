/**
 * The console's static files, served by the app itself so it works with no internet access: htmx from its npm
 * package, our stylesheet and our one script from `views/assets`. Each URL carries a hash of the content, so
 * browsers may keep it for a year and a new release is fetched at once.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import type { AssetUrls } from '../../views/layout.tsx';

interface Asset {
  body: Uint8Array;
  type: string;
  etag: string;
}

const require = createRequire(import.meta.url);
const viewsAsset = (name: string) => fileURLToPath(new URL(`../../views/assets/${name}`, import.meta.url));

const SOURCES: Record<string, { path: () => string; type: string }> = {
  'htmx.min.js': { path: () => require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'console.js': { path: () => viewsAsset('console.js'), type: 'text/javascript; charset=utf-8' },
  'console.css': { path: () => viewsAsset('console.css'), type: 'text/css; charset=utf-8' },
};

let loaded: { files: Map<string, Asset>; urls: AssetUrls } | undefined;

/** Reads the assets once per process. */
function assets() {
  if (!loaded) {
    const files = new Map<string, Asset>();
    for (const [name, source] of Object.entries(SOURCES)) {
      const body = new Uint8Array(readFileSync(source.path()));
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
      files.set(name, { body, type: source.type, etag: `"${hash}"` });
    }
    const url = (name: string) => `/console/assets/${name}?v=${files.get(name)!.etag.slice(1, -1)}`;
    loaded = { files, urls: { css: url('console.css'), htmx: url('htmx.min.js'), js: url('console.js') } };
  }
  return loaded;
}

export const assetUrls = (): AssetUrls => assets().urls;

/** GET /console/assets/:name */
export function serveAsset(c: Context) {
  const asset = assets().files.get(c.req.param('name') ?? '');
  if (!asset) return c.text('Not found', 404);
  const headers = {
    'content-type': asset.type,
    etag: asset.etag,
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  };
  if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers);
  return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, headers);
}
