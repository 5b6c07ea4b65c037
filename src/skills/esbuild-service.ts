/**
 * esbuild's API talks to an esbuild child process (about 18 MB resident) that it starts on first use and would keep
 * for the life of the server. Uploads are rare next to runs, so the service is stopped once nothing has used it for
 * `ESBUILD_IDLE_MS`; the next upload starts it again (a few ms). Every esbuild call of the server goes through here.
 *
 * esbuild's service is one per process, so this counter is too (it only decides when to stop that service).
 *
 * @example
 * const result = await withEsbuild((esbuild) => esbuild.transform(source, { loader: 'ts' }));
 */
import * as esbuild from 'esbuild';

export const ESBUILD_IDLE_MS = 30_000;

let inUse = 0;
let idleTimer: NodeJS.Timeout | undefined;

export async function withEsbuild<T>(work: (api: typeof esbuild) => Promise<T>): Promise<T> {
  inUse++;
  clearTimeout(idleTimer);
  try {
    return await work(esbuild);
  } finally {
    if (--inUse === 0) {
      idleTimer = setTimeout(() => void esbuild.stop(), ESBUILD_IDLE_MS);
      idleTimer.unref();
    }
  }
}
