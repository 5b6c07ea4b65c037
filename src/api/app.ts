import { requestId } from 'hono/request-id';
import { routePath } from 'hono/route';
import { createAuditLog } from '../audit/audit.ts';
import { createApiTokens } from '../auth/api-tokens.ts';
import { createAuthenticator } from '../auth/authenticate.ts';
import { createAuthCaches } from '../auth/caches.ts';
import { createMembers } from '../auth/members.ts';
import { bearerAuth } from '../auth/middleware.ts';
import { consoleRouter } from '../console/console.index.tsx';
import { createConsoleSessions } from '../console/sessions.ts';
import { checkReadiness } from '../db/readiness.ts';
import { AppError } from '../errors.ts';
import { createLocalEmbedder } from '../router/local-embedder.ts';
import { createSearchService } from '../router/search.ts';
import { createRunService } from '../runs/service.ts';
import { createVersionPublisher, runTriggerTests } from '../runs/verify.ts';
import { createSecrets } from '../secrets/service.ts';
import { createPromptService } from '../skills/prompt.ts';
import { createRegistry } from '../skills/registry.ts';
import { createPublicCatalog } from '../skills/store-public.ts';
import { createStats } from '../stats/overview.ts';
import { createMetrics } from '../telemetry/metrics.ts';
import { artifactsRouter } from './artifacts/artifacts.index.ts';
import { recordDenied } from './audit/audit.handlers.ts';
import { auditRouter } from './audit/audit.index.ts';
import { bodyLimits, DEFAULT_MAX_BODY_BYTES, storableRequest } from './body-limit.ts';
import { compatBodyLimits, compatErrorsFor, mountCompat } from './compat/compat.index.ts';
import type { AppDeps, AppServices } from './context.ts';
import { docsRouter } from './docs/docs.index.ts';
import { healthRouter } from './health/health.index.ts';
import { importsBodyLimits, importsRouter } from './imports/imports.index.ts';
import { labelsRouter } from './labels/labels.index.ts';
import { mcpRouter } from './mcp/mcp.index.ts';
import { meRouter } from './me/me.index.ts';
import { membersRouter } from './members/members.index.ts';
import { metricsRouter } from './metrics/metrics.index.ts';
import { onError, onNotFound } from './problem.ts';
import { createRouter } from './router.ts';
import { runsBodyLimits, runsRouter } from './runs/runs.index.ts';
import { searchRouter } from './search/search.index.ts';
import { secretsRouter } from './secrets/secrets.index.ts';
import { skillsBodyLimits, skillsRouter } from './skills/skills.index.ts';
import { statsRouter } from './stats/stats.index.ts';
import { tokensRouter } from './tokens/tokens.index.ts';
import { triggersRouter } from './triggers/triggers.index.ts';
import { versionsRouter } from './versions/versions.index.ts';
import { DEFAULT_PUBLIC_ORG, wellKnownRouter } from './well-known/well-known.index.ts';

export const API_INFO = {
  title: 'open-skills API',
  version: '0.1.0',
  description:
    'Store, find and run Agent Skills. Every route except /healthz, /readyz, /openapi.json and /docs needs ' +
    '`Authorization: Bearer <JWT>`. Errors are RFC 9457 problem+json.',
};

/** The OpenAPI document's top level; routes and schemas come from the app. */
export const OPENAPI_CONFIG = {
  openapi: '3.1.0',
  info: API_INFO,
  security: [{ bearerAuth: [] }],
};

/** Builds the HTTP app from explicit dependencies; nothing here reads the environment or holds global state. */
export function createApp(deps: AppDeps) {
  const app = createRouter();
  const services = createServices(deps);
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'JWT: HS256 with JWT_SECRET (claims sub, org, iat, exp, jti, optional role), or RS256/ES256 from the ' +
      'identity provider of JWT_JWKS_URL',
  });

  app.use('*', requestId());
  app.use('*', async (c, next) => {
    const started = performance.now();
    const logger = deps.logger.child({ request_id: c.get('requestId') });
    c.set('logger', logger);
    c.set('services', services);
    await next();
    const ms = performance.now() - started;
    const caller = c.get('caller');
    logger.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        duration_ms: Math.round(ms * 10) / 10,
        ...(caller ? { user_id: caller.userId, org_id: caller.orgId } : {}),
      },
      'request',
    );
    // By route pattern (`/runs/:id`), never by path, so the series stay few.
    services.metrics.httpRequest(c.req.method, routePath(c, -1), c.res.status, ms / 1000);
  });
  // Problem+json everywhere, except under /compat/{anthropic,openai}, which answer in their vendor's envelope.
  const errors = compatErrorsFor({ onError, onNotFound });
  app.onError(errors.onError);
  app.notFound(errors.onNotFound);
  // The console authenticates with its own session cookie, so it is mounted before the bearer-token middleware;
  // and before the API's body limits, because every console POST declares its own (an upload takes 32 MB) and a
  // refused one is answered with a console page, not a problem+json.
  app.get('/', (c) => c.redirect('/console', 302));
  app.route('/console', consoleRouter(deps));
  // Every route has a body limit: the default, or a larger one its router declares.
  app.use(
    '*',
    bodyLimits(deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, [
      ...skillsBodyLimits,
      ...runsBodyLimits,
      ...importsBodyLimits,
      ...compatBodyLimits,
    ]),
  );

  // Public routes come before the auth middleware, so they answer without a token.
  app.route('/', healthRouter);
  app.route('/', metricsRouter);
  app.doc31('/openapi.json', OPENAPI_CONFIG);
  app.route('/', docsRouter({ openApiUrl: '/openapi.json', pageTitle: 'open-skills API' }));
  // The vendor-compatible APIs authenticate themselves (a token in x-api-key too) and answer in their envelopes.
  mountCompat(app);
  // Installers (`npx skills add <server>`) read published versions of public skills without a token.
  app.route('/', wellKnownRouter(deps.publicSkillsOrg ?? DEFAULT_PUBLIC_ORG));

  app.use(
    '*',
    bearerAuth(() => services.authenticate),
  );
  app.use('*', recordDenied);
  app.use('*', storableRequest);
  app.route('/', meRouter);
  app.route('/', statsRouter);
  app.route('/', tokensRouter);
  app.route('/', membersRouter);
  app.route('/', auditRouter);
  app.route('/', searchRouter);
  app.route('/', importsRouter);
  app.route('/', skillsRouter);
  app.route('/', versionsRouter);
  app.route('/', labelsRouter);
  app.route('/', triggersRouter);
  app.route('/', runsRouter);
  app.route('/', artifactsRouter);
  app.route('/', secretsRouter);
  app.route('/', mcpRouter({ publicUrl: deps.publicUrl, maxBodyBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES }));
  // The services travel with the app so the process that serves it can wind them down (server.ts drains runs).
  return Object.assign(app, { services });
}

/** Builds the services from the infrastructure. Services are created lazily so the OpenAPI build needs no deps. */
/** Trigger tests wait this long at most for fresh uploads to be embedded, then rank with what is indexed. */
const INDEX_WAIT_MS = 10_000;

function createServices(deps: AppDeps): AppServices {
  // Read when first needed: the OpenAPI build creates the app without dependencies.
  const indexed = async () => {
    const { indexer } = deps;
    if (!indexer?.idle) return;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((done) => {
      timer = setTimeout(done, INDEX_WAIT_MS);
    });
    await Promise.race([indexer.idle(), waited]).finally(() => clearTimeout(timer));
  };
  const built = new Map<keyof AppServices, unknown>();
  const once = <K extends keyof AppServices>(name: K, build: () => AppServices[K]): AppServices[K] => {
    if (!built.has(name)) built.set(name, build());
    return built.get(name) as AppServices[K];
  };
  let caches: ReturnType<typeof createAuthCaches> | undefined;
  const authCaches = () => {
    caches ??= createAuthCaches(deps.clock);
    return caches;
  };
  const services: AppServices = {
    get publicUrl() {
      return deps.publicUrl;
    },
    get registry() {
      return once('registry', () =>
        createRegistry({
          db: deps.db,
          clock: deps.clock,
          onVersionStored: (versionId) => deps.indexer?.enqueue(versionId),
          rankSkills: (caller, query, limit) => services.search.rankSkillIds(caller, query, limit),
        }),
      );
    },
    get search() {
      return once('search', () =>
        createSearchService({ db: deps.db, embedder: deps.embedder ?? createLocalEmbedder(), logger: deps.logger }),
      );
    },
    get secrets() {
      return once('secrets', () => createSecrets({ db: deps.db, clock: deps.clock, key: deps.secretsKey }));
    },
    get members() {
      return once('members', () => createMembers({ db: deps.db, clock: deps.clock, caches: authCaches() }));
    },
    get apiTokens() {
      return once('apiTokens', () =>
        createApiTokens({ db: deps.db, clock: deps.clock, tokens: deps.tokens, caches: authCaches() }),
      );
    },
    get audit() {
      return once('audit', () => createAuditLog({ db: deps.db, clock: deps.clock }));
    },
    get authenticate() {
      return once('authenticate', () =>
        createAuthenticator({
          tokens: deps.tokens,
          members: services.members,
          apiTokens: services.apiTokens,
          audit: services.audit,
          clock: deps.clock,
          logger: deps.logger,
        }),
      );
    },
    get runs() {
      if (!deps.sandbox || !deps.blobs) throw new AppError('unavailable', 'Running skills is not configured here');
      const { sandbox, blobs } = deps;
      return once('runs', () =>
        createRunService({
          db: deps.db,
          clock: deps.clock,
          logger: deps.logger,
          sandbox,
          blobs,
          registry: services.registry,
          secrets: services.secrets,
          limits: deps.runLimits,
          queued: deps.queued,
          metrics: services.metrics,
          tracing: deps.tracing,
        }),
      );
    },
    get publisher() {
      return once('publisher', () =>
        createVersionPublisher({
          registry: services.registry,
          runs: () => services.runs,
          search: services.search,
          indexed,
        }),
      );
    },
    get prompts() {
      return once('prompts', () =>
        createPromptService({
          publicUrl: deps.publicUrl,
          findSkill: (caller, ref) => services.registry.findSkill(caller, ref),
          listAllPublished: (caller, options) => services.registry.listAllPublished(caller, options),
          async rank(caller, { query, topK, tags }) {
            const { results } = await services.search.search(caller, { query, topK, tags });
            return results.map(({ skill }) => ({ ...skill, latest_version_id: skill.version_id }));
          },
        }),
      );
    },
    triggers: (caller, skill, options) =>
      runTriggerTests({ registry: services.registry, search: services.search, indexed }, caller, skill, options),
    get stats() {
      return once('stats', () => createStats({ db: deps.db, clock: deps.clock }));
    },
    get publicSkills() {
      return once('publicSkills', () => createPublicCatalog(deps.db));
    },
    get metrics() {
      return once('metrics', () => deps.metrics ?? createMetrics());
    },
    get metricsToken() {
      return deps.metricsToken;
    },
    get tracing() {
      return deps.tracing;
    },
    get sessions() {
      return once('sessions', () => createConsoleSessions({ db: deps.db, clock: deps.clock }));
    },
    async readiness(logger) {
      // A draining server still answers, so the load balancer sees it leave before its connections close.
      if (deps.draining?.()) {
        return { status: 'not_ready', database: deps.db.kind, pending_migrations: [], starting: [], draining: true };
      }
      const readiness = await checkReadiness(deps.db, logger, deps.startup);
      const why = deps.sandbox?.unavailable;
      return why ? { ...readiness, runs_unavailable: why } : readiness;
    },
  };
  return services;
}

export type App = ReturnType<typeof createApp>;
