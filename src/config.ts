import { z } from 'zod';

/**
 * Configuration, parsed once from the environment. This is the only module that reads `process.env`; everything
 * else receives the parsed `Config`.
 */
const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const optionalUrl = (what: string) =>
  optionalString.refine((value) => value === undefined || URL.canParse(value), `must be a URL (${what})`);

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: optionalUrl('the address users reach the server at, e.g. https://skills.example.com'),
  DATA_DIR: z.string().default('./.open-skills'),
  POSTGRES_URL: optionalString.refine(
    (value) => value === undefined || /^postgres(ql)?:\/\/.+/.test(value),
    'must be a postgres:// or postgresql:// URL',
  ),
  S3_ENDPOINT: optionalUrl('an S3-compatible endpoint, e.g. http://127.0.0.1:9000'),
  S3_BUCKET: optionalString,
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl('an OpenAI-compatible API base, e.g. http://127.0.0.1:11434/v1'),
  EMBEDDING_MODEL: optionalString,
  EMBEDDING_DIMENSIONS: z.coerce.number().int().positive().max(16000).optional(),
  LANGFUSE_PUBLIC_KEY: optionalString,
  LANGFUSE_SECRET_KEY: optionalString,
  LANGFUSE_BASE_URL: optionalUrl('the Langfuse server, e.g. https://cloud.langfuse.com'),
  JWT_SECRET: optionalString.refine((value) => value === undefined || value.length >= 32, 'must be at least 32 chars'),
  JWT_JWKS_URL: optionalUrl("an identity provider's JWKS, e.g. https://idp.example.com/.well-known/jwks.json"),
  JWT_ISSUER: optionalString,
  JWT_AUDIENCE: optionalString,
  TOKEN_MAX_LIFETIME_DAYS: z.coerce.number().int().min(1).max(365).default(90),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOAD_EXAMPLES: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((value) => value === 'true' || value === '1'),
  RUN_WORKERS: z.coerce.number().int().min(0).max(64).default(0),
  RUN_WORKERS_MIN: z.coerce.number().int().min(1).max(64).default(1),
  MAX_RUN_TIMEOUT_MS: positiveInt(300_000),
  MAX_RUN_MEMORY_MB: positiveInt(512),
  /**
   * Set by npm for `npm start`/`npm run dev` (not configuration): npm signals only the shell it starts, so the
   * server also stops when that shell goes away (see main.ts).
   */
  npm_lifecycle_event: optionalString,
  /** RSS ceiling of one sandbox worker process: a run that pushes its worker past it ends with memory_limit. */
  RUN_WORKER_MAX_RSS_MB: positiveInt(2048),
  /** The organisation whose `public` skills the root well-known index (/.well-known/agent-skills/) serves. */
  PUBLIC_SKILLS_ORG: z.string().trim().min(1).max(128).default('default'),
  /** Under Deno: the Node.js (22+) that runs sandbox workers; default `node` from PATH. Ignored under Node. */
  NODE_BINARY: optionalString,
  /** Default request body limit; uploads (32 MB) and run requests (32 MB) have their own. */
  MAX_JSON_BODY_BYTES: positiveInt(1024 * 1024),
  /** `direct`: synchronous runs execute in the replica that took the request; `queue`: every run is queued. */
  RUN_MODE: z.enum(['direct', 'queue']).default('direct'),
  /** Queued runs one replica executes at once (0 = twice its sandbox workers). */
  QUEUE_CONCURRENCY: z.coerce.number().int().min(0).max(256).default(0),
  /** A queued run's job expires (its replica counts as dead) this long after the run's timeout. */
  QUEUE_EXPIRY_MARGIN_SECONDS: positiveInt(30),
  /** How often the queue looks for expired jobs. */
  QUEUE_MONITOR_SECONDS: positiveInt(5),
  /** A bearer token that reads GET /metrics only (besides admins' tokens). */
  METRICS_TOKEN: optionalString.refine(
    (value) => value === undefined || value.length >= 16,
    'must be at least 16 chars',
  ),
  /** Also serve /metrics, without a token, on this port (for a scraper inside the cluster). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** On SIGTERM: how long runs in flight may take to finish before queued ones go back to the queue. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(25),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws a `ConfigError` naming every wrong variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const value = env[name];
      const shown = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const config = parsed.data;
  const problems: string[] = [];
  if (config.POSTGRES_URL && !config.JWT_SECRET) {
    problems.push('JWT_SECRET: required when POSTGRES_URL is set (replicas must share one signing secret)');
  }
  if (config.JWT_JWKS_URL && (!config.JWT_ISSUER || !config.JWT_AUDIENCE)) {
    problems.push('JWT_ISSUER, JWT_AUDIENCE: required with JWT_JWKS_URL (provider tokens must name this server)');
  }
  if ((config.S3_ENDPOINT || config.S3_ACCESS_KEY_ID) && !config.S3_BUCKET) {
    problems.push('S3_BUCKET: required when S3_ENDPOINT or S3 credentials are set');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
