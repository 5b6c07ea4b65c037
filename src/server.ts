import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './api/app.ts';
import { loadOrCreateDevSecret, saveAdminToken } from './auth/dev-secret.ts';
import { createTokenService } from './auth/tokens.ts';
import { systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { migrate } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import { createLogger } from './telemetry/logger.ts';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Wires configuration into real dependencies and starts listening. */
export async function startServer(config: Config): Promise<RunningServer> {
  const logger = createLogger({ level: config.LOG_LEVEL });
  const dataDir = resolve(config.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  const db = await openDatabase({ postgresUrl: config.POSTGRES_URL, dataDir });
  const applied = await migrate(db);
  logger.info({ database: db.kind, applied }, 'database ready');

  const dev = config.JWT_SECRET ? undefined : loadOrCreateDevSecret(dataDir);
  const tokens = createTokenService(config.JWT_SECRET ?? dev!.secret, systemClock);

  const app = createApp({ db, clock: systemClock, logger, tokens });
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST });
  await new Promise<void>((ready) => server.once('listening', ready));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
  logger.info({ url, docs: `${url}/docs` }, 'open-skills listening');

  if (dev?.created) {
    const token = await tokens.issue({ userId: 'admin', orgId: 'default', role: 'admin', ttlSeconds: 365 * 24 * 3600 });
    saveAdminToken(dataDir, token);
    // Printed once, on the first start, outside the JSON log stream so a person sees it.
    process.stderr.write(
      `\n  open-skills is running at ${url} (API docs: ${url}/docs)\n\n` +
        `  Admin token (shown once; also saved to ${dataDir}/admin-token for the local CLI):\n\n` +
        `    ${token}\n\n` +
        `  Try: curl -H "Authorization: Bearer <token>" ${url}/me\n\n`,
    );
  }

  return {
    url,
    async close() {
      await new Promise<void>((done) => server.close(() => done()));
      await db.close();
    },
  };
}
