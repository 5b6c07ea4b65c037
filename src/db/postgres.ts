import postgres from 'postgres';
import type { Database, Queryable } from './database.ts';

export interface PostgresOptions {
  url: string;
  maxConnections?: number;
}

type Sql = postgres.Sql | postgres.TransactionSql;

function queryable(sql: Sql): Queryable {
  return {
    async query<T>(text: string, params: readonly unknown[] = []) {
      // `unsafe` is the postgres client's entry point for parameterised text queries: values still travel as bind
      // parameters, never spliced into the SQL. Parameterised queries are prepared (named statements, cached per
      // connection by SQL text and parameter types): unprepared, each costs a Parse/Describe round trip before its
      // Bind/Execute and is planned again every time.
      const rows = await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: params.length > 0 });
      return rows as unknown as T[];
    },
    async exec(text: string) {
      // Without parameters the client uses the simple protocol, which accepts several statements.
      await sql.unsafe(text);
    },
  };
}

/** A PostgreSQL server through the `postgres` client. */
export function createPostgresDatabase(options: PostgresOptions): Database {
  const sql = postgres(options.url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
    // Callers pass json/jsonb parameters as JSON text, as PGlite expects; the client's default serializer would
    // stringify that text again and store a JSON string instead of the array or object.
    types: {
      json: {
        to: 3802,
        from: [114, 3802],
        serialize: (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value)),
        parse: (text: string) => JSON.parse(text),
      },
    } as unknown as Record<string, postgres.PostgresType>,
  });
  return {
    kind: 'postgres',
    queueConnection: { kind: 'postgres', url: options.url },
    ...queryable(sql),
    async listen(channel, onPayload) {
      // The client holds one dedicated connection for all its channels and re-listens after a reconnect.
      const { unlisten } = await sql.listen(channel, onPayload);
      return unlisten;
    },
    async transaction(fn) {
      return (await sql.begin((tx) => fn(queryable(tx)))) as Awaited<ReturnType<typeof fn>>;
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
