import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { createApp } from './api/app.ts';
import { issueDevAdminToken, loadOrCreateDevSecret } from './auth/dev-secret.ts';
import { createTokenService, remoteIdentityProvider } from './auth/tokens.ts';
import { systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { LOGIN_LINK_TTL_MS } from './console/sessions.ts';
import type { Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import { StartupTasks } from './db/readiness.ts';
import { startQueuedRuns } from './jobs/queued-runs.ts';
import { embedderFromConfig } from './router/from-config.ts';
import { createIndexer } from './router/indexer.ts';
import { recoverInterruptedRuns } from './runs/recovery.ts';
import { createSandbox, type ProcessSandbox } from './runtime/sandbox.ts';
import { findWorkerNode, unavailableSandbox } from './runtime/worker-node.ts';
import { deriveSecretsKey } from './secrets/service.ts';
import { loadExamples } from './skills/examples.ts';
import { createRegistry } from './skills/registry.ts';
import { createLocalBlobStore } from './storage/local-blob-store.ts';
import { createLogger, type Logger } from './telemetry/logger.ts';
import { createMetrics, type Metrics } from './telemetry/metrics.ts';
import { createTracing, langfuseProcessor } from './telemetry/tracing.ts';

export interface RunningServer {
  /** Where users reach it: PUBLIC_URL, else the address it listens on. */
  url: string;
  /** The port it listens on (PORT 0 picks a free one). */
  port: number;
  /** The first start of the embedded server: the one-time console login link it printed. */
  loginUrl?: string;
  close(): Promise<void>;
}

/** A started HTTP listener, whatever serves it. */
export interface Listener {
  port: number;
  /** Stops accepting; resolves once the open connections are gone. */
  close(): Promise<void>;
  /** Drops idle keep-alive connections. */
  closeIdle(): void;
  /** Cuts every connection still open. */
  closeAll(): void;
}

/** The runtime the API runs on: Node (`npm start`) or Deno (`src/main.deno.ts`). */
export interface ServerPlatform {
  /** Serves `fetch` on the address; resolves once listening. */
  listen(
    fetch: (request: Request) => Response | Promise<Response>,
    at: { port: number; hostname: string },
  ): Promise<Listener>;
  /**
   * True when this process is not Node: sandbox workers then run on the Node found on PATH or NODE_BINARY (runs are
   * unavailable without one). False: workers are forked from this Node process.
   */
  workersOnExternalNode: boolean;
}

/** Node: `@hono/node-server`. */
export const nodePlatform: ServerPlatform = {
  workersOnExternalNode: false,
  async listen(fetch, { port, hostname }) {
    const server = serve({ fetch, port, hostname });
    await new Promise<void>((ready) => server.once('listening', ready));
    const address = server.address();
    return {
      port: typeof address === 'object' && address ? address.port : port,
      close: () => new Promise<void>((done) => server.close(() => done())),
      closeIdle: () => 'closeIdleConnections' in server && server.closeIdleConnections(),
      closeAll: () => 'closeAllConnections' in server && server.closeAllConnections(),
    };
  },
};

/** The sandbox: workers forked from this Node, or run by an external Node, or none (runs unavailable, logged). */
function sandboxFor(config: Config, platform: ServerPlatform, logger: Logger): ProcessSandbox {
  const options = {
    size: config.RUN_WORKERS || undefined,
    minWorkers: config.RUN_WORKERS_MIN,
    maxWorkerRssMb: config.RUN_WORKER_MAX_RSS_MB,
  };
  if (!platform.workersOnExternalNode) return createSandbox(options);
  const node = findWorkerNode(config.NODE_BINARY);
  if (!node.found) {
    logger.warn({ reason: node.reason }, 'runs unavailable');
    return unavailableSandbox(node.reason);
  }
  logger.info({ node: node.path, version: node.version }, 'sandbox workers run on Node');
  return createSandbox({ ...options, nodeBinary: node.path });
}

/** How often runs orphaned by a dead replica are looked for (PostgreSQL only). */
const RECOVERY_INTERVAL_MS = 60_000;
/** Slack past a run's longest life (its maximum timeout) before it counts as orphaned on PostgreSQL. */
const RECOVERY_GRACE_MS = 60_000;

/**
 * Ends the runs a dead process left open (`runs/recovery.ts`). Embedded: every open run, once (the data folder is
 * this process's alone). PostgreSQL: runs older than the longest a run may live, now and every minute; returns the
 * function that stops the sweep.
 */
async function recoverRuns(db: Database, config: Config, logger: Logger): Promise<() => void> {
  const sweep = async (embedded: boolean) => {
    const now = new Date();
    const createdBefore = embedded ? now : new Date(now.getTime() - config.MAX_RUN_TIMEOUT_MS - RECOVERY_GRACE_MS);
    const ended = await recoverInterruptedRuns(db, { now, createdBefore });
    if (ended > 0) logger.warn({ runs: ended }, 'runs left open by a stopped server ended as infrastructure_error');
  };
  await sweep(db.kind === 'pglite');
  if (db.kind === 'pglite') return () => {};
  const timer = setInterval(
    () => void sweep(false).catch((error) => logger.error({ err: error }, 'run recovery failed')),
    RECOVERY_INTERVAL_MS,
  );
  timer.unref();
  return () => clearInterval(timer);
}

/** /metrics alone, without a token, on its own port (METRICS_PORT): for a scraper that the network admits. */
function serveMetrics(platform: ServerPlatform, metrics: Metrics, hostname: string, port: number) {
  const fetch = async (request: Request) =>
    new URL(request.url).pathname === '/metrics'
      ? new Response(await metrics.render(), { headers: { 'content-type': metrics.contentType } })
      : new Response('Not found: this port serves /metrics only\n', { status: 404 });
  return platform.listen(fetch, { port, hostname });
}

/** Wires configuration into real dependencies and starts listening. */
export async function startServer(config: Config, platform = nodePlatform): Promise<RunningServer> {
  const logger = createLogger({ level: config.LOG_LEVEL });
  const dataDir = resolve(config.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  const db = await openDatabase({ postgresUrl: config.POSTGRES_URL, dataDir });
  const applied = await migrate(db);
  logger.info({ database: db.kind, applied }, 'database ready');
  const stopRecovery = await recoverRuns(db, config, logger);

  const dev = config.JWT_SECRET ? undefined : loadOrCreateDevSecret(dataDir);
  const tokens = createTokenService(config.JWT_SECRET ?? dev!.secret, systemClock, {
    maxLifetimeSeconds: config.TOKEN_MAX_LIFETIME_DAYS * 24 * 3600,
    idp: config.JWT_JWKS_URL
      ? remoteIdentityProvider(config.JWT_JWKS_URL, config.JWT_ISSUER!, config.JWT_AUDIENCE!)
      : undefined,
  });

  const embedder = await embedderFromConfig(config);
  const indexer = createIndexer({ db, embedder, logger });
  // Catch-up in the background: versions stored before a restart, or embedded by another model, are re-embedded.
  indexer.start();
  logger.info({ embedder: embedder.key }, 'skill router ready');

  // Skills run in supervised worker processes: RUN_WORKERS_MIN while idle, more under load up to RUN_WORKERS (0 = one
  // per core), each stopping after a minute unused. Artifacts go to S3 when configured.
  const sandbox = sandboxFor(config, platform, logger);
  // The S3 client is loaded only when configured (the AWS SDK is about 34 MB and 0.2 s of start-up).
  const blobs = config.S3_BUCKET
    ? (await import('./storage/s3-blob-store.ts')).createS3BlobStore({
        bucket: config.S3_BUCKET,
        region: config.S3_REGION,
        endpoint: config.S3_ENDPOINT,
        accessKeyId: config.S3_ACCESS_KEY_ID,
        secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      })
    : createLocalBlobStore(resolve(dataDir, 'artifacts'));
  const secretsKey = deriveSecretsKey(config.JWT_SECRET ?? dev!.secret);
  const runLimits = { maxTimeoutMs: config.MAX_RUN_TIMEOUT_MS, maxMemoryMb: config.MAX_RUN_MEMORY_MB };
  // /readyz answers 503 until first-start example loading is over (/healthz answers as soon as we listen).
  const startup = new StartupTasks();

  // Async runs (every run with RUN_MODE=queue) go through the queue the replicas share.
  const jobs = await startQueuedRuns({
    db,
    logger,
    all: config.RUN_MODE === 'queue',
    expiryMarginSeconds: config.QUEUE_EXPIRY_MARGIN_SECONDS,
    monitorSeconds: config.QUEUE_MONITOR_SECONDS,
  });
  let draining = false;
  const tracing =
    config.LANGFUSE_PUBLIC_KEY && config.LANGFUSE_SECRET_KEY
      ? createTracing({
          processor: langfuseProcessor({
            publicKey: config.LANGFUSE_PUBLIC_KEY,
            secretKey: config.LANGFUSE_SECRET_KEY,
            baseUrl: config.LANGFUSE_BASE_URL,
          }),
          logger,
        })
      : undefined;
  const metrics = createMetrics({
    queueDepth: () => jobs.queued.queue.depth(),
    workerPids: () => sandbox.workerPids(),
  });
  const metricsServer = config.METRICS_PORT
    ? await serveMetrics(platform, metrics, config.HOST, config.METRICS_PORT)
    : undefined;

  const app = createApp({
    db,
    clock: systemClock,
    logger,
    tokens,
    embedder,
    indexer,
    sandbox,
    blobs,
    secretsKey,
    runLimits,
    maxBodyBytes: config.MAX_JSON_BODY_BYTES,
    publicUrl: config.PUBLIC_URL,
    publicSkillsOrg: config.PUBLIC_SKILLS_ORG,
    startup,
    queued: jobs.queued,
    draining: () => draining,
    metrics,
    metricsToken: config.METRICS_TOKEN,
    tracing,
  });
  const sandboxSize = config.RUN_WORKERS || availableParallelism();
  await jobs.attach(app.services.runs, { concurrency: config.QUEUE_CONCURRENCY || 2 * sandboxSize });
  const server = await platform.listen(app.fetch, { port: config.PORT, hostname: config.HOST });
  const { port } = server;
  const url = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
  logger.info({ url, docs: `${url}/docs` }, 'open-skills listening');
  // Next to the admin token: the CLI in this folder finds the server by it when OPEN_SKILLS_URL is unset.
  writeFileSync(join(dataDir, 'server-url'), `${url}\n`);

  // First start only (org "default" has no skills yet), after listening so /healthz answers sooner; a broken
  // example is logged, never fatal.
  const examplesLoaded = config.LOAD_EXAMPLES
    ? startup.track(
        'example_skills',
        loadExamples({
          registry: createRegistry({ db, clock: systemClock, onVersionStored: (id) => indexer.enqueue(id) }),
          logger,
        }).catch((error: Error) => logger.warn({ error: error.message }, 'example skills not loaded')),
      )
    : Promise.resolve();

  const token = dev
    ? await issueDevAdminToken({
        dataDir,
        firstStart: dev.created,
        clock: systemClock,
        apiTokens: app.services.apiTokens,
        members: app.services.members,
        maxLifetimeSeconds: tokens.maxLifetimeSeconds,
      })
    : undefined;
  // With the first admin token comes a one-time link that opens the console as that admin.
  const loginUrl = token
    ? `${url}/console/login/link?code=${await app.services.sessions.issueLoginLink(token)}`
    : undefined;
  if (token) {
    // Printed once, outside the JSON log stream so a person sees it.
    process.stderr.write(
      `\n  open-skills is running at ${url} (API docs: ${url}/docs)\n\n` +
        `  Admin token (shown once; also saved to ${dataDir}/admin-token for the local CLI):\n\n` +
        `    ${token}\n\n` +
        `  Web console, one-time login link (works once, for ${LOGIN_LINK_TTL_MS / 60_000} minutes):\n\n` +
        `    ${loginUrl}\n\n` +
        `  Try: curl -H "Authorization: Bearer <token>" ${url}/me\n\n`,
    );
  }

  return {
    url,
    port,
    loginUrl,
    async close() {
      // Draining: /readyz answers 503 from now on while requests are still served; no new job is taken.
      draining = true;
      stopRecovery();
      await jobs.stopTaking();
      // Runs in flight get the grace period to finish; queued ones still running then go back to the queue.
      const finished = app.services.runs.drain().then(() => true);
      const graceMs = config.SHUTDOWN_GRACE_SECONDS * 1000;
      // (Embedded, no other replica would take them: they end when the sandbox closes, as before.)
      if (!(await Promise.race([finished, sleep(graceMs, false, { ref: false })])) && db.kind === 'postgres') {
        logger.warn({ grace_seconds: config.SHUTDOWN_GRACE_SECONDS }, 'runs still in flight: handing them back');
        await app.services.runs.handBack();
      }
      // Stop accepting, drop idle keep-alive connections, wind the work down, then cut what is still open (event
      // streams end when their runs do), so a stop never waits on a client.
      const closed = server.close();
      server.closeIdle();
      await examplesLoaded;
      await indexer.close();
      // Closing the sandbox ends the runs still in its workers; draining waits until each has written its final
      // status, so no run row is left running when the database closes.
      await sandbox.close();
      await app.services.runs.drain();
      // Responses of the last runs are being written: give them a moment before cutting the connections.
      await Promise.race([closed, sleep(2000, undefined, { ref: false })]);
      server.closeAll();
      await closed;
      await jobs.close();
      await tracing?.shutdown();
      await metricsServer?.close();
      await db.close();
    },
  };
}
