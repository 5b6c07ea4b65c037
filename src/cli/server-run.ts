/**
 * Starts a run on the server and follows it: `POST /runs` with `async: true`, then the run's server-sent events
 * (`log` lines as they are written, `done` with the final run). When the event stream is unavailable it polls
 * `GET /runs/{id}` instead.
 */
import type { Client } from './client.ts';
import { CliError, EXIT } from './output.ts';

export interface ServerArtifact {
  id: string;
  name: string;
  size: number;
  mime_type?: string;
  mimeType?: string;
  url?: string;
}

export interface ServerRun {
  id: string;
  skill: string | null;
  version: string | null;
  status: string;
  output: unknown;
  error: { type: string; message: string; stack?: string; errors?: { field: string; message: string }[] } | null;
  logs: { level: string; message: string; time: string }[];
  artifacts: ServerArtifact[];
  duration_ms: number | null;
}

export interface RunRequest {
  skill: string;
  version?: string;
  input: unknown;
  timeout_ms?: number;
  files?: Map<string, Uint8Array>;
}

const FINAL = new Set(['succeeded', 'failed', 'timed_out', 'cancelled']);
export const isFinal = (status: string) => FINAL.has(status);

export const artifactMime = (a: ServerArtifact) => a.mime_type ?? a.mimeType ?? 'application/octet-stream';

/** Sends the request as JSON, or as multipart when it carries files. */
async function start(client: Client, request: RunRequest, onUpload?: (sent: number, total: number) => void) {
  const { files, ...body } = request;
  const payload = { ...body, async: true };
  if (!files?.size) return client.post<ServerRun>('/runs', payload);
  const form = new FormData();
  form.set('request', JSON.stringify(payload));
  for (const [name, data] of files) form.append('files', new File([data as Uint8Array<ArrayBuffer>], name));
  return client.upload<ServerRun>('POST', '/runs', form, onUpload);
}

export async function runOnServer(
  client: Client,
  request: RunRequest,
  hooks: {
    onStarted?: (run: ServerRun) => void;
    onLog?: (line: ServerRun['logs'][number]) => void;
    onUpload?: (sent: number, total: number) => void;
  } = {},
): Promise<ServerRun> {
  const started = await start(client, request, hooks.onUpload);
  hooks.onStarted?.(started);
  if (isFinal(started.status)) {
    for (const line of started.logs ?? []) hooks.onLog?.(line);
    return started;
  }
  let printed = 0;
  const controller = new AbortController();
  try {
    for await (const { event, data } of client.events(`/runs/${started.id}/events`, controller.signal)) {
      if (event === 'log') {
        printed++;
        hooks.onLog?.(JSON.parse(data));
      } else if (event === 'done') {
        const run = JSON.parse(data) as ServerRun;
        for (const line of run.logs.slice(printed)) hooks.onLog?.(line);
        return run;
      }
    }
  } catch (error) {
    if (error instanceof CliError && error.exitCode === EXIT.failure && !/^404/.test(error.message)) throw error;
  } finally {
    controller.abort();
  }
  // No (complete) event stream: poll until the run ends.
  for (;;) {
    const run = await client.get<ServerRun>(`/runs/${started.id}`);
    if (isFinal(run.status)) {
      for (const line of run.logs.slice(printed)) hooks.onLog?.(line);
      return run;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
