/**
 * `SkillExecutor`: run skills (with files), follow their events live, download what they wrote.
 *
 * @example
 * const executor = new SkillExecutor({ baseUrl: 'http://localhost:8000', token });
 * const run = await executor.run('csv-to-json', { csv: 'data.csv' }, { files: { 'data.csv': new Blob(['a,b\n1,2']) } });
 * for await (const event of executor.stream('text-stats', { text: 'Hi.' })) console.log(event.event, event.data);
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { Connection, type OpenSkillsClientOptions } from './client.ts';
import { errorFrom, OpenSkillsError, unwrap } from './errors.ts';
import type { components } from './schema.ts';
import { artifactFileChunk, type UiMessageChunk } from './ui-message-stream.ts';

export type Run = components['schemas']['Run'];
export type Artifact = components['schemas']['Artifact'];
export type LogLine = components['schemas']['LogLine'];

/** A run's events, as `GET /runs/{id}/events` sends them: from its start to `done` (the whole run). */
export type RunEvent =
  | { event: 'status'; data: { id: string; status: Run['status'] } }
  | { event: 'log'; data: LogLine }
  | { event: 'artifact'; data: Artifact }
  | { event: 'child'; data: { id: string; skill: string | null; status: Run['status'] } }
  | { event: 'done'; data: Run };

/** A file for `ctx.files`: bytes, a Blob (a File is one), or a path on this machine (Node.js, Deno, Bun). */
export type RunFileContent = Blob | Uint8Array | ArrayBuffer | string;

export interface RunOptions {
  /** Files the skill reads with `ctx.files`, by name. */
  files?: Record<string, RunFileContent>;
  /** A version number, a label (`production`) or `latest` (the default). */
  version?: string;
  /** Deadline for the whole run (capped by the skill and the server). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface StreamOptions extends RunOptions {
  /** `events` (the default): `RunEvent`s. `ui-message-stream`: AI SDK UI message stream chunks. */
  format?: 'events' | 'ui-message-stream';
}

export interface DownloadedArtifact {
  id: string;
  /** The name the skill gave it. */
  name: string;
  mediaType: string;
  /** SHA-256 of the bytes, hex (checked against the server's ETag). */
  sha256: string;
  bytes: Uint8Array;
}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

async function fileBlob(content: RunFileContent): Promise<Blob> {
  if (content instanceof Blob) return content;
  if (typeof content === 'string') {
    // Only runtimes with a file system have paths; browsers pass Blobs or bytes.
    const { readFile } = await import('node:fs/promises');
    return new Blob([new Uint8Array(await readFile(content))]);
  }
  return new Blob([content instanceof Uint8Array ? content.slice() : content]);
}

/** Reads a `text/event-stream` body message by message. */
async function* sseMessages(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event?: string; data: string }> {
  const reader = body
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => {});
  }
}

export class SkillExecutor {
  readonly connection: Connection;

  constructor(options: OpenSkillsClientOptions) {
    this.connection = new Connection(options);
  }

  /** Runs a skill and answers with the finished run, whatever its status (a failed skill is a run, not a throw). */
  run(skill: string, input: unknown, options: RunOptions = {}): Promise<Run> {
    return this.#start(skill, input, options, false);
  }

  /** Starts a run and answers at once with the queued run; follow it with `events(run.id)`. */
  start(skill: string, input: unknown, options: RunOptions = {}): Promise<Run> {
    return this.#start(skill, input, options, true);
  }

  /** Starts a run and yields its events as they happen, ending with `done` (or the UI message stream's `finish`). */
  stream(skill: string, input: unknown, options?: StreamOptions & { format?: 'events' }): AsyncGenerator<RunEvent>;
  stream(
    skill: string,
    input: unknown,
    options: StreamOptions & { format: 'ui-message-stream' },
  ): AsyncGenerator<UiMessageChunk>;
  async *stream(skill: string, input: unknown, options: StreamOptions = {}): AsyncGenerator<RunEvent | UiMessageChunk> {
    const run = await this.start(skill, input, options);
    if (options.format === 'ui-message-stream') yield* this.uiMessageChunks(run.id, options);
    else yield* this.events(run.id, options);
  }

  /** The events of a run from its start (replayed when it has finished), ending with `done`. */
  async *events(runId: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<RunEvent> {
    for await (const message of sseMessages(await this.#eventStream(runId, 'events', options.signal))) {
      const event = { event: message.event, data: JSON.parse(message.data) } as RunEvent;
      yield event;
      if (event.event === 'done') return;
    }
  }

  /** A run as AI SDK UI message stream chunks (`start` ... `finish`), parsed from the server's stream. */
  async *uiMessageChunks(runId: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<UiMessageChunk> {
    for await (const message of sseMessages(await this.#eventStream(runId, 'ui-message-stream', options.signal))) {
      if (message.data === '[DONE]') return;
      yield JSON.parse(message.data) as UiMessageChunk;
    }
  }

  /**
   * The server's UI message stream response for a run, to return as it is from a route of your app (the `ai`
   * package's `useChat` reads it): the body and the `x-vercel-ai-ui-message-stream` header are passed through.
   */
  async uiMessageStreamResponse(runId: string, options: { signal?: AbortSignal } = {}): Promise<Response> {
    const body = await this.#eventStream(runId, 'ui-message-stream', options.signal);
    return new Response(body, {
      headers: {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        'x-vercel-ai-ui-message-stream': 'v1',
      },
    });
  }

  /** An artifact's bytes, checked against its SHA-256. */
  async downloadArtifact(artifact: string | Pick<Artifact, 'id'>): Promise<DownloadedArtifact> {
    const id = typeof artifact === 'string' ? artifact : artifact.id;
    const response = await this.connection.fetch(`/artifacts/${encodeURIComponent(id)}`);
    if (!response.ok) throw await errorFrom(response);
    const data = await response.arrayBuffer();
    const sha256 = hex(await crypto.subtle.digest('SHA-256', data));
    const etag = response.headers.get('etag')?.replace(/^W\/|"/g, '');
    if (etag && etag !== sha256) {
      throw new OpenSkillsError(response.status, undefined, `Artifact ${id}: SHA-256 ${sha256} does not match ${etag}`);
    }
    const disposition = response.headers.get('content-disposition') ?? '';
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
    return {
      id,
      name: encoded ? decodeURIComponent(encoded) : id,
      mediaType: response.headers.get('content-type') ?? 'application/octet-stream',
      sha256,
      bytes: new Uint8Array(data),
    };
  }

  /**
   * The AI SDK UI message stream chunk for a file a run produced (`{ type: 'file', url, mediaType }`), for apps
   * that write their own stream: `writer.write(executor.emitArtifactEvent(artifact))`.
   */
  emitArtifactEvent(artifact: Pick<Artifact, 'url' | 'mime_type'>): UiMessageChunk & { type: 'file' } {
    return artifactFileChunk(this.connection.baseUrl, artifact);
  }

  async #start(skill: string, input: unknown, options: RunOptions, async: boolean): Promise<Run> {
    const request = {
      skill,
      input: input ?? {},
      ...(options.version !== undefined ? { version: options.version } : {}),
      ...(options.timeoutMs !== undefined ? { timeout_ms: options.timeoutMs } : {}),
      ...(async ? { async: true } : {}),
    };
    const files = Object.entries(options.files ?? {});
    if (files.length === 0) {
      return unwrap(await this.connection.client.POST('/runs', { body: request, signal: options.signal }));
    }
    const form = new FormData();
    form.append('request', JSON.stringify(request));
    for (const [name, content] of files) form.append('files[]', await fileBlob(content), name);
    const response = await this.connection.fetch('/runs', { method: 'POST', body: form, signal: options.signal });
    if (!response.ok) throw await errorFrom(response);
    return (await response.json()) as Run;
  }

  async #eventStream(runId: string, format: string, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const query = format === 'events' ? '' : `?format=${format}`;
    const response = await this.connection.fetch(`/runs/${encodeURIComponent(runId)}/events${query}`, {
      headers: { accept: 'text/event-stream' },
      signal,
    });
    if (!response.ok || !response.body) throw await errorFrom(response);
    return response.body;
  }
}
