import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';

/**
 * The real server (embedded database in `dataDir`, one sandbox worker, no example skills) on a free local port,
 * and the admin token it printed on its first start.
 */
export async function startTestServer(dataDir: string, config: Partial<Config> = {}) {
  const server = await startServer({
    ...loadConfig({}),
    PORT: 0,
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    LOAD_EXAMPLES: false,
    RUN_WORKERS: 1,
    // Tests close servers with runs still spinning: end them at once instead of granting them a grace period.
    SHUTDOWN_GRACE_SECONDS: 0,
    ...config,
  });
  return { server, token: readFileSync(join(dataDir, 'admin-token'), 'utf8') };
}
