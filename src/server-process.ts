/**
 * The server as a process: started, then stopped cleanly on SIGINT, SIGTERM or SIGHUP, or when the npm that started
 * it goes away. Used by `npm start` (src/main.ts) and `open-skills serve`.
 */
import type { Config } from './config.ts';
import { type ServerPlatform, startServer } from './server.ts';

/** A stop that takes longer than the grace period and this ends the process anyway. */
const SHUTDOWN_SLACK_MS = 15_000;

/** Starts the server and keeps it until the process is told to stop; then closes it and exits. */
export async function serveUntilStopped(config: Config, platform?: ServerPlatform): Promise<void> {
  // Signals are taken before the server starts: a stop asked for during start-up (a slow first start) waits for the
  // start, then closes, so the data folder's lock is always released.
  const starting = startServer(config, platform);
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`open-skills: ${reason}, shutting down\n`);
    const deadlineMs = config.SHUTDOWN_GRACE_SECONDS * 1000 + SHUTDOWN_SLACK_MS;
    setTimeout(() => {
      process.stderr.write(`open-skills: shutdown took over ${deadlineMs / 1000} s; exiting\n`);
      process.exit(1);
    }, deadlineMs).unref();
    const server = await starting.catch(() => undefined);
    await server?.close();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void stop(`${signal} received`));
  }
  if (config.npm_lifecycle_event) {
    // `npm start` runs `sh -c "node ..."` and forwards SIGTERM/SIGINT to that shell only, which exits without
    // passing them on. When the shell is gone this process has a new parent: stop as if signalled.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) void stop(`the npm process that started it (parent ${parent}) exited`);
    }, 500).unref();
  }
  await starting;
}
