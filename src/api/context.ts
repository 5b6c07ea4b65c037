import type { AuditLog } from '../audit/audit.ts';
import type { ApiTokens } from '../auth/api-tokens.ts';
import type { Authenticate } from '../auth/authenticate.ts';
import type { Caller } from '../auth/caller.ts';
import type { Members } from '../auth/members.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Clock } from '../clock.ts';
import type { ConsoleSessions } from '../console/sessions.ts';
import type { Database } from '../db/database.ts';
import type { Readiness, StartupTasks } from '../db/readiness.ts';
import type { Embedder } from '../router/embedder.ts';
import type { Indexer } from '../router/indexer.ts';
import type { SearchService } from '../router/search.ts';
import type { QueuedRuns } from '../runs/queued.ts';
import type { RunService } from '../runs/service.ts';
import type { runTriggerTests, VersionPublisher } from '../runs/verify.ts';
import type { Sandbox } from '../runtime/types.ts';
import type { Secrets } from '../secrets/service.ts';
import type { PromptService } from '../skills/prompt.ts';
import type { Registry } from '../skills/registry.ts';
import type { PublicCatalog } from '../skills/store-public.ts';
import type { Stats } from '../stats/overview.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { Tracing } from '../telemetry/tracing.ts';

/** Infrastructure the app is built from. Tests pass real parts (an embedded database, a temp folder, ...). */
export interface AppDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  tokens: TokenService;
  /** Address clients reach the server at; defaults to the request's origin. */
  publicUrl?: string;
  /** Organisation whose `public` skills the root well-known index serves (default "default"). */
  publicSkillsOrg?: string;
  /** Embeds requests and skills for the router; defaults to the local (no-network) embedder. */
  embedder?: Embedder;
  /** Embeds stored versions in the background; without it, versions are embedded at the next start-up. */
  indexer?: Pick<Indexer, 'enqueue'> & Partial<Pick<Indexer, 'idle'>>;
  /** Runs skills; without it (and `blobs`) the runs API answers 503. */
  sandbox?: Sandbox;
  /** Stores run artifacts. */
  blobs?: BlobStore;
  /** 32-byte key for secrets at rest (`deriveSecretsKey(JWT secret)`); without it the secrets API answers 503. */
  secretsKey?: Uint8Array;
  /** Default request body limit in bytes (MAX_JSON_BODY_BYTES); uploads and runs declare larger ones. */
  maxBodyBytes?: number;
  /** Server maxima for runs (MAX_RUN_TIMEOUT_MS, MAX_RUN_MEMORY_MB). */
  runLimits?: { maxTimeoutMs?: number; maxMemoryMb?: number };
  /** Start-up work (first-start example loading) `/readyz` waits for; none by default. */
  startup?: Pick<StartupTasks, 'pending'>;
  /** The job queue shared by replicas; without it async runs execute in this process. */
  queued?: QueuedRuns;
  /** This replica's metrics (the server wires the queue and sandbox into them); a bare registry by default. */
  metrics?: Metrics;
  /** A token that reads /metrics only (METRICS_TOKEN). */
  metricsToken?: string;
  /** Langfuse traces of runs and searches (LANGFUSE_*); off without it. */
  tracing?: Tracing;
  /** True from the moment the server starts draining (SIGTERM): /readyz answers 503. */
  draining?: () => boolean;
}

/** Services built once from the dependencies and shared by all handlers; handlers see these, not `AppDeps`. */
export interface AppServices {
  /** Address clients reach the server at (PUBLIC_URL), when configured; else links use the request's origin. */
  publicUrl?: string;
  registry: Registry;
  search: SearchService;
  runs: RunService;
  secrets: Secrets;
  /** Bearer token -> caller: signature, lifetime, revocation, member role. */
  authenticate: Authenticate;
  members: Members;
  apiTokens: ApiTokens;
  audit: AuditLog;
  /** Publishing, with the version's own tests first when asked. */
  publisher: VersionPublisher;
  /** `<available_skills>` prompt blocks. */
  prompts: PromptService;
  /** Trigger tests of a skill against the router (`tests/triggers.json`, or a suite sent with the request). */
  triggers(
    caller: Caller,
    skillRef: string,
    options: Parameters<typeof runTriggerTests>[3],
  ): ReturnType<typeof runTriggerTests>;
  /** Figures about skills, runs and artifacts (the console's dashboard). */
  stats: Stats;
  /** Published versions of `public` skills, read without a token (the well-known index). */
  publicSkills: PublicCatalog;
  /** Console sessions and one-time login links. */
  sessions: ConsoleSessions;
  /**
   * Whether the database is reachable and migrated and start-up work is done (logged through the request's logger),
   * and why runs are unavailable when they are (`Sandbox.unavailable`).
   */
  readiness(logger: Logger): Promise<Readiness & { runs_unavailable?: string }>;
  /** Prometheus metrics of this replica. */
  metrics: Metrics;
  metricsToken?: string;
  tracing?: Tracing;
}

/** Everything handlers reach through `c.var`. */
export interface AppVariables {
  requestId: string;
  logger: Logger;
  caller: Caller;
  services: AppServices;
}

export interface AppEnv {
  Variables: AppVariables;
}
