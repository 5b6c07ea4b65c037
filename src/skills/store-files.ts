/** The SQL of a version's files: listing, reading, and loading the runnable modules of a version. */
import type { Queryable } from '../db/database.ts';
import type { FileRow } from './rows.ts';
import { type RuntimeVersion, toRuntimeVersion } from './runnable.ts';
import { CONTENT_BASE64, decodeContent } from './sql.ts';

const FILE_COLUMNS = `path, sha256, size, mime, ${CONTENT_BASE64}`;

export function createFileStore(db: Queryable) {
  return {
    /** The files of a version without their content. */
    filesOf: (versionId: string) =>
      db.query<FileRow>('select path, sha256, size, mime from skill_files where version_id = $1 order by path', [
        versionId,
      ]),

    async readFile(versionId: string, path: string) {
      const rows = await db.query<FileRow & { content: string }>(
        `select ${FILE_COLUMNS} from skill_files where version_id = $1 and path = $2`,
        [versionId, path],
      );
      return rows.map(decodeContent)[0];
    },

    async readAllFiles(versionId: string) {
      const rows = await db.query<FileRow & { content: string }>(
        `select ${FILE_COLUMNS} from skill_files where version_id = $1 order by path`,
        [versionId],
      );
      return rows.map(decodeContent);
    },

    /** The runnable modules and run settings of a version (files: compiled JS for .ts, content for .js/.mjs). */
    async loadRuntimeVersion(versionId: string): Promise<RuntimeVersion | undefined> {
      const [version] = await db.query<Parameters<typeof toRuntimeVersion>[0]>(
        'select id, skill_id, name, version, entrypoint, metadata, inputs, outputs from skill_versions where id = $1',
        [versionId],
      );
      if (!version) return undefined;
      if (!version.entrypoint) return toRuntimeVersion(version, []);
      const files = await db.query<{
        path: string;
        content: string | null;
        compiled_js: string | null;
        source_map: string | null;
      }>(
        `select path, ${CONTENT_BASE64}, compiled_js, source_map from skill_files
         where version_id = $1 and (path like '%.js' or path like '%.mjs' or path like '%.ts' or path like '%.mts'
           or path like '%.js.map' or path like '%.mjs.map')`,
        [versionId],
      );
      return toRuntimeVersion(
        version,
        files
          .map(decodeContent)
          .map((f) => ({ path: f.path, data: f.content, compiledJs: f.compiled_js, sourceMap: f.source_map })),
      );
    },
  };
}
