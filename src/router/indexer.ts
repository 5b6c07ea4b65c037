import type { Queryable } from '../db/database.ts';
import type { Logger } from '../telemetry/logger.ts';
import { chunkBody } from './chunks.ts';
import { type Embedder, toVectorLiteral } from './embedder.ts';
import { addToTermStats, refreshTermStats } from './term-stats.ts';
import { skillSearchText } from './text.ts';

export interface IndexerDeps {
  db: Queryable;
  embedder: Embedder;
  logger: Logger;
  /** Versions per embedding call. Default 64 (the OpenAI embedder's request size). */
  batchSize?: number;
  /** First wait before retrying a failed batch, doubled per failure up to 5 minutes. Default 5 000 ms. */
  retryBaseMs?: number;
}

/**
 * Embeds skill versions in the background so uploads never wait for an embedding: full text finds a version as
 * soon as it commits (its tsvector is a generated column), the vector channel once its embedding lands.
 */
export interface Indexer {
  /** Queues a version that was just stored (wire to the registry's `onVersionStored`). Returns at once. */
  enqueue(versionId: string): void;
  /** Starts the catch-up: re-embeds every version whose embedding is missing or from another model. */
  start(): void;
  /** Resolves when nothing is queued or running (tests and benchmarks wait on it). */
  idle(): Promise<void>;
  /** Stops taking work and waits for the batch in flight. */
  close(): Promise<void>;
}

interface VersionText {
  id: string;
  org_id: string;
  name: string;
  description: string;
  tags: string[];
  instructions: string;
  when_to_use: string;
}

/** What the indexer reads of a version (the body cut as the full-text body field cuts it, migration 008). */
const VERSION_TEXT = `id, org_id, name, description, tags, left(instructions, 20000) as instructions,
  coalesce(metadata #>> '{front_matter,when_to_use}', metadata #>> '{front_matter,metadata,when_to_use}', '') as when_to_use`;

const MAX_RETRY_MS = 5 * 60_000;

/**
 * Embeds the given versions with `embedder`: the description text into `skill_versions.embedding`, the body's
 * chunks into `skill_version_chunks`. The version's `embedding_model` is written last, so a batch cut short is
 * redone by the next catch-up.
 */
async function embedVersions(db: Queryable, embedder: Embedder, rows: readonly VersionText[]): Promise<void> {
  if (rows.length === 0) return;
  const chunks = rows.flatMap((row) =>
    chunkBody(row.instructions).map((text, chunk) => ({
      id: row.id,
      org: row.org_id,
      chunk,
      text: chunkText(row, text),
    })),
  );
  const vectors = await embedder.embed([
    ...rows.map((row) => skillSearchText({ ...row, whenToUse: row.when_to_use })),
    ...chunks.map((c) => c.text),
  ]);
  const ids = rows.map((r) => r.id);
  await db.query('delete from skill_version_chunks where version_id = any($1::uuid[])', [ids]);
  if (chunks.length > 0) {
    await db.query(
      `insert into skill_version_chunks (version_id, chunk, org_id, embedding, embedding_model)
       select u.id, u.chunk, u.org, u.embedding::vector, $5
       from unnest($1::uuid[], $2::int[], $3::text[], $4::text[]) as u(id, chunk, org, embedding)`,
      [
        chunks.map((c) => c.id),
        chunks.map((c) => c.chunk),
        chunks.map((c) => c.org),
        vectors.slice(rows.length).map(toVectorLiteral),
        embedder.key,
      ],
    );
  }
  await db.query(
    `update skill_versions sv set embedding = u.embedding::vector, embedding_model = $3
     from unnest($1::uuid[], $2::text[]) as u(id, embedding) where sv.id = u.id`,
    [ids, vectors.slice(0, rows.length).map(toVectorLiteral), embedder.key],
  );
}

/** A chunk is embedded with the skill's name in front, so a section that never names its subject still has one. */
function chunkText(row: VersionText, chunk: string): string {
  return `${row.name.replace(/[-_]+/g, ' ')}. ${chunk}`;
}

/**
 * Re-embeds every version whose `embedding_model` differs from `embedder.key` (all of them with `all`), in
 * batches, logging progress, then recomputes the term statistics. This is what `open-skills reindex` runs; the
 * server runs it on start-up, so changing EMBEDDING_MODEL or the provider needs nothing more than a restart.
 *
 * @example
 * const done = await reindex({ db, embedder, logger });
 * logger.info({ done }, 'reindexed');
 */
export async function reindex(deps: IndexerDeps & { all?: boolean; shouldStop?: () => boolean }): Promise<number> {
  const { db, embedder, logger } = deps;
  const batchSize = deps.batchSize ?? 64;
  const stale = `embedding_model is distinct from $1${deps.all ? ' or true' : ''}`;
  const [count] = await db.query<{ n: number }>(`select count(*)::int as n from skill_versions where ${stale}`, [
    embedder.key,
  ]);
  const total = count?.n ?? 0;
  let done = 0;
  if (total > 0) logger.info({ model: embedder.key, total }, 'embedding index: re-embedding versions');
  // Keyset over ids, so `all` terminates and a version that fails to embed is not retried forever in this pass.
  let after = '00000000-0000-0000-0000-000000000000';
  while (done < total && !deps.shouldStop?.()) {
    const rows = await db.query<VersionText>(
      `select ${VERSION_TEXT} from skill_versions where (${stale}) and id > $2 order by id limit $3`,
      [embedder.key, after, batchSize],
    );
    if (rows.length === 0) break;
    await embedVersions(db, embedder, rows);
    after = rows[rows.length - 1]!.id;
    done += rows.length;
    logger.info({ model: embedder.key, done, total }, 'embedding index: progress');
  }
  await refreshTermStats(db);
  if (total > 0) logger.info({ model: embedder.key, done, total }, 'embedding index: up to date');
  return done;
}

/**
 * The background indexer of a running server.
 *
 * @example
 * const indexer = createIndexer({ db, embedder, logger });
 * const registry = createRegistry({ db, clock, onVersionStored: indexer.enqueue });
 * indexer.start();
 * // on shutdown
 * await indexer.close();
 */
export function createIndexer(deps: IndexerDeps): Indexer {
  const { db, embedder, logger } = deps;
  const batchSize = deps.batchSize ?? 64;
  const retryBaseMs = deps.retryBaseMs ?? 5_000;
  const pending = new Set<string>();
  let closed = false;
  let running: Promise<void> | undefined;
  let catchUp: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;

  async function drain(): Promise<void> {
    while (pending.size > 0 && !closed) {
      const ids = [...pending].slice(0, batchSize);
      for (const id of ids) pending.delete(id);
      try {
        const rows = await db.query<VersionText>(
          `select ${VERSION_TEXT} from skill_versions where id = any($1::uuid[])`,
          [ids],
        );
        await embedVersions(db, embedder, rows);
        await addToTermStats(db, ids);
        failures = 0;
      } catch (error) {
        if (closed) return;
        // Embedding services go down; the versions stay searchable by full text and are retried later (and by
        // the next start-up's catch-up if this process ends first).
        for (const id of ids) pending.add(id);
        const delay = Math.min(MAX_RETRY_MS, retryBaseMs * 2 ** failures++);
        logger.warn({ err: error, versions: ids.length, retry_in_ms: delay }, 'embedding index: batch failed');
        retryTimer = setTimeout(() => {
          retryTimer = undefined;
          kick();
        }, delay);
        retryTimer.unref();
        return;
      }
    }
  }

  function kick(): void {
    if (running || retryTimer || closed) return;
    running = drain().finally(() => {
      running = undefined;
      if (pending.size > 0 && !retryTimer && !closed) kick();
    });
  }

  return {
    enqueue(versionId) {
      if (closed) return;
      pending.add(versionId);
      kick();
    },
    start() {
      catchUp ??= reindex({ db, embedder, logger, batchSize, shouldStop: () => closed })
        .then(() => undefined)
        .catch((error) => logger.error({ err: error }, 'embedding index: catch-up failed; will retry on restart'));
    },
    async idle() {
      await catchUp;
      // enqueue starts a drain synchronously, so "nothing running" means nothing queued (or waiting for a retry).
      while (running) await running;
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      await Promise.all([running, catchUp]);
    },
  };
}
