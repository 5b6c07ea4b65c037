import { resolve } from 'node:path';
import { loadConfig } from '../../config.ts';
import { migrate } from '../../db/migrate.ts';
import { openDatabase } from '../../db/open.ts';
import { embedderFromConfig } from '../../router/from-config.ts';
import { reindex as reindexVersions } from '../../router/indexer.ts';
import { createLogger } from '../../telemetry/logger.ts';
import { COMMON_OPTIONS, parse, positionals } from '../args.ts';
import { EXIT, type Io } from '../output.ts';

/**
 * `open-skills reindex [--all]`: re-embeds the versions whose embedding was made by another model than the one
 * configured now (`--all`: every version), against the configured database, with progress in the logs. The server
 * does the same at start-up; this is for running it on purpose, e.g. after changing EMBEDDING_MODEL.
 */
export async function reindex(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('reindex', args, {
    ...COMMON_OPTIONS,
    all: { type: 'boolean', default: false },
  });
  positionals('reindex', rest, []);
  const config = loadConfig();
  const db = await openDatabase({ postgresUrl: config.POSTGRES_URL, dataDir: resolve(config.DATA_DIR) });
  try {
    await migrate(db);
    const embedder = await embedderFromConfig(config);
    const logger = createLogger({ level: config.LOG_LEVEL, destination: process.stderr });
    const count = await reindexVersions({ db, embedder, logger, all: values.all });
    io.out(
      values.json
        ? `${JSON.stringify({ model: embedder.key, reembedded: count })}\n`
        : `Re-embedded ${count} version${count === 1 ? '' : 's'} with ${embedder.key}.\n`,
    );
    return EXIT.ok;
  } finally {
    await db.close();
  }
}
