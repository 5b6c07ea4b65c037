/**
 * `deno task start` / `npm run start:deno`: the whole API (same configuration, databases, auth, docs and console as
 * `npm start`) served by `Deno.serve`. Sandbox workers stay on Node: isolated-vm is a Node addon built on V8's C++
 * API, so the server spawns them with the Node 22+ found on PATH or NODE_BINARY, and without one serves everything
 * but runs (`/readyz` says why; `POST /runs` answers 503).
 */
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './db/pglite.ts';
import type { Listener, ServerPlatform } from './server.ts';
import { serveUntilStopped } from './server-process.ts';

/** The part of Deno's own API used here (the project type-checks against Node's types). */
declare const Deno: {
  serve(
    options: { port: number; hostname: string; onListen?: (address: { port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { addr: { port: number }; shutdown(): Promise<void>; finished: Promise<void> };
};

/** After a stop is asked, connections still open this long are left to the process exit. */
const SHUTDOWN_WAIT_MS = 5_000;

const denoPlatform: ServerPlatform = {
  workersOnExternalNode: true,
  async listen(fetch, { port, hostname }) {
    let listening: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      listening = resolve;
    });
    // Only the request is passed on: Hono would read Deno's second argument (connection info) as its env.
    const server = Deno.serve({ port, hostname, onListen: () => listening() }, (request) => fetch(request));
    await started;
    let closing: Promise<void> | undefined;
    const listener: Listener = {
      port: server.addr.port,
      // Deno.serve's shutdown waits for open requests; live event streams end with their runs, and a client that
      // holds one longer is cut by the process exit that follows.
      close: () => {
        closing ??= Promise.race([server.shutdown(), new Promise<void>((done) => setTimeout(done, SHUTDOWN_WAIT_MS))]);
        return closing;
      },
      closeIdle: () => {},
      closeAll: () => {},
    };
    return listener;
  },
};

try {
  await serveUntilStopped(loadConfig(), denoPlatform);
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    process.stderr.write(`open-skills: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
