/**
 * The CLI's view of the server: the generated SDK client (`sdk/src/index.ts`) for every call, with the CLI's error
 * rules (problem+json answers become `CliError`s: exit 1 for 4xx, 3 for 5xx and for a server that cannot be
 * reached) and the few fetch-level pieces the SDK leaves to its caller: multipart uploads with byte progress,
 * downloads to a file and server-sent events.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createParser } from 'eventsource-parser';
import { createOpenSkillsClient, type Problem } from '../../sdk/src/index.ts';
import { CliError, EXIT } from './output.ts';
import type { Settings } from './settings.ts';

export type Client = ReturnType<typeof createClient>;

/** What an SDK call resolves to. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

const UPLOAD_CHUNK = 64 * 1024;

export function createClient(settings: Settings, fetchImpl: typeof fetch = fetch) {
  const reach: typeof fetch = async (input, init) => {
    try {
      return await fetchImpl(input, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CliError(
        `Cannot reach the server at ${settings.url} (${reason}; the URL came from ${settings.source.url}). ` +
          'Start it with "npm start" (or "open-skills serve"), or pass --url.',
        EXIT.server,
      );
    }
  };
  const api = createOpenSkillsClient({ baseUrl: settings.url, token: settings.token, fetch: reach });

  function problemError(response: Response, body: unknown): CliError {
    const problem: Partial<Problem> =
      typeof body === 'object' && body !== null
        ? (body as Partial<Problem>)
        : { detail: String(body ?? '').slice(0, 500) || response.statusText };
    let message = `${response.status} ${problem.detail ?? problem.title ?? response.statusText}`;
    if (response.status === 401) {
      message +=
        settings.token === undefined
          ? `\nNo token found (tried --token, OPEN_SKILLS_TOKEN, the stored login and admin-token in DATA_DIR, default ./.open-skills). Run "open-skills login --url ${settings.url} --token <token>".`
          : `\nThe token from ${settings.source.token} was refused by ${settings.url}.`;
    }
    return new CliError(
      message,
      response.status >= 500 ? EXIT.server : EXIT.failure,
      problem.errors ?? [],
      response.status,
    );
  }

  /** The data of an SDK call; an error answer becomes a `CliError`. */
  async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
    const { data, error, response } = await call;
    if (!response.ok) throw problemError(response, error);
    return data as T;
  }

  return {
    settings,
    /** The typed SDK client; pass its calls through `ok` (or `find`). */
    api,
    ok,
    /** The data of an SDK call, or undefined when the server answers 404. */
    async find<T>(call: Promise<Answer<T>>): Promise<T | undefined> {
      const { data, error, response } = await call;
      if (response.status === 404) return undefined;
      if (!response.ok) throw problemError(response, error);
      return data as T;
    },
    /** Whether the server has runs at all (older or API-only servers answer 404/405). */
    async canRun(): Promise<boolean> {
      try {
        const { response } = await api.GET('/runs', { params: { query: { limit: 1 } } });
        return response.status !== 404 && response.status !== 405;
      } catch {
        return false;
      }
    },
    /** Streams a download (`parseAs: 'stream'` SDK call) into `file`. */
    async download(call: Promise<Answer<ReadableStream<Uint8Array> | null>>, file: string): Promise<void> {
      const body = await ok(call);
      if (!body) throw new CliError(`Empty response for ${file}`, EXIT.server);
      await pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream), createWriteStream(file));
    },
    /** The server-sent events of a `parseAs: 'stream'` SDK call, until the stream ends. */
    async *events(
      call: Promise<Answer<ReadableStream<Uint8Array> | null>>,
    ): AsyncGenerator<{ event: string; data: string }> {
      const body = await ok(call);
      if (!body) return;
      const parsed: { event: string; data: string }[] = [];
      const parser = createParser({ onEvent: (m) => parsed.push({ event: m.event ?? 'message', data: m.data }) });
      const decoder = new TextDecoder();
      for await (const chunk of body) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        yield* parsed.splice(0);
      }
    },
  };
}

/**
 * SDK call options that send `parts` as a multipart body streamed in chunks, reporting bytes sent; spread them into
 * the call next to the typed `body`.
 *
 * @example
 * await client.ok(client.api.POST('/skills', { body, ...multipartUpload(body, onProgress) }));
 */
export function multipartUpload(
  parts: Record<string, string | Blob | Blob[] | undefined | unknown>,
  onProgress?: (sent: number, total: number) => void,
) {
  const form = new FormData();
  for (const [name, value] of Object.entries(parts)) {
    for (const part of [value].flat()) {
      if (part instanceof Blob) form.append(name, part);
      else if (typeof part === 'string') form.append(name, part);
    }
  }
  const encoded = new Request('http://local/', { method: 'POST', body: form });
  let bytes: Uint8Array | undefined;
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      bytes ??= new Uint8Array(await encoded.arrayBuffer());
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const chunk = bytes.subarray(offset, offset + UPLOAD_CHUNK);
      offset += chunk.length;
      onProgress?.(offset, bytes.length);
      controller.enqueue(chunk);
    },
  });
  return {
    bodySerializer: () => stream,
    headers: { 'content-type': encoded.headers.get('content-type') ?? 'multipart/form-data' },
    duplex: 'half' as const,
  };
}
