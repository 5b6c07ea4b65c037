/**
 * Starts a run on the server and follows it: `POST /runs` with `async: true`, then the run's server-sent events
 * (`log` lines as they are written, `done` with the final run). When the event stream is unavailable it polls
 * `GET /runs/{id}` instead.
 */
import type { components } from '../../sdk/src/index.ts';
import { type Client, multipartUpload } from './client.ts';
import { CliError, EXIT } from './output.ts';

export type ServerRun = components['schemas']['Run'];
type LogLine = ServerRun['logs'][number];

export interface RunRequest {
  skill: string;
  version?: string;
  input: unknown;
  timeout_ms?: number;
  files?: Map<string, Uint8Array>;
}

const FINAL = new Set(['succeeded', 'failed', 'timed_out', 'cancelled']);
export const isFinal = (status: string) => FINAL.has(status);

/** Sends the request as JSON, or as multipart when it carries files. */
async function start(client: Client, request: RunRequest, onUpload?: (sent: number, total: number) => void) {
  const { files, ...fields } = request;
  const body = { ...fields, async: true };
  if (!files?.size) return client.ok(client.api.POST('/runs', { body }));
  const parts = {
    request: JSON.stringify(body),
    'files[]': [...files].map(([name, data]) => new File([data as Uint8Array<ArrayBuffer>], name)),
  };
  return client.ok(client.api.POST('/runs', { body: parts, ...multipartUpload(parts, onUpload) }));
}

/** Follows the run's events until `done`; undefined when the stream is unavailable or ends early. */
async function follow(client: Client, id: string, onLog: (line: LogLine) => void): Promise<ServerRun | undefined> {
  const controller = new AbortController();
  const stream = client.events(
    client.api.GET('/runs/{id}/events', {
      params: { path: { id } },
      parseAs: 'stream',
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    }),
  );
  try {
    for await (const { event, data } of stream) {
      if (event === 'log') onLog(JSON.parse(data) as LogLine);
      else if (event === 'done') return JSON.parse(data) as ServerRun;
    }
  } catch (error) {
    if (error instanceof CliError && error.exitCode === EXIT.failure && error.status !== 404) throw error;
  } finally {
    controller.abort();
  }
  return undefined;
}

export async function runOnServer(
  client: Client,
  request: RunRequest,
  hooks: {
    onStarted?: (run: ServerRun) => void;
    onLog?: (line: LogLine) => void;
    onUpload?: (sent: number, total: number) => void;
  } = {},
): Promise<ServerRun> {
  const started = await start(client, request, hooks.onUpload);
  hooks.onStarted?.(started);
  let printed = 0;
  const finish = (run: ServerRun) => {
    for (const line of run.logs.slice(printed)) hooks.onLog?.(line);
    return run;
  };
  if (isFinal(started.status)) return finish(started);
  const done = await follow(client, started.id, (line) => {
    printed++;
    hooks.onLog?.(line);
  });
  if (done) return finish(done);
  // No (complete) event stream: poll until the run ends.
  for (;;) {
    const run = await client.ok(client.api.GET('/runs/{id}', { params: { path: { id: started.id } } }));
    if (isFinal(run.status)) return finish(run);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
