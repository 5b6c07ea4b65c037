/**
 * A small HTTP client for the CLI: bearer token, problem+json errors turned into `CliError`s (exit 1 for 4xx,
 * 3 for 5xx and network failures), uploads with byte progress, downloads and server-sent events.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError, EXIT, type FieldProblem } from './output.ts';
import type { Settings } from './settings.ts';

interface Problem {
  title?: string;
  detail?: string;
  errors?: FieldProblem[];
  warnings?: FieldProblem[];
}

export type Client = ReturnType<typeof createClient>;

const UPLOAD_CHUNK = 64 * 1024;

export function createClient(settings: Settings, fetchImpl: typeof fetch = fetch) {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(settings.token ? { authorization: `Bearer ${settings.token}` } : {}),
    ...extra,
  });

  async function send(path: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await fetchImpl(`${settings.url}${path}`, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CliError(
        `Cannot reach the server at ${settings.url} (${reason}). Start it with "open-skills serve" or "npm start", or pass --url.`,
        EXIT.server,
      );
    }
    if (!response.ok) throw await problemError(response);
    return response;
  }

  async function problemError(response: Response): Promise<CliError> {
    const text = await response.text().catch(() => '');
    let problem: Problem = {};
    try {
      problem = JSON.parse(text) as Problem;
    } catch {
      problem = { detail: text.slice(0, 500) || response.statusText };
    }
    let message = `${response.status} ${problem.detail ?? problem.title ?? response.statusText}`;
    if (response.status === 401) {
      message +=
        settings.token === undefined
          ? `\nNo token found (tried --token, OPEN_SKILLS_TOKEN, the stored login and ./.open-skills/admin-token). Run "open-skills login --url ${settings.url} --token <token>".`
          : `\nThe token from ${settings.source.token} was refused by ${settings.url}.`;
    }
    return new CliError(
      message,
      response.status >= 500 ? EXIT.server : EXIT.failure,
      problem.errors ?? [],
      response.status,
    );
  }

  async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await send(path, {
      method,
      headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as T;
  }

  return {
    settings,
    json,
    get: <T>(path: string) => json<T>('GET', path),
    /** `GET path`, or undefined when the server answers 404. */
    async find<T>(path: string): Promise<T | undefined> {
      try {
        return await json<T>('GET', path);
      } catch (error) {
        if (error instanceof CliError && error.status === 404) return undefined;
        throw error;
      }
    },
    post: <T>(path: string, body?: unknown) => json<T>('POST', path, body),

    /** Whether `GET path` answers (not 404/405); used to tell which optional routes a server has. */
    async exists(method: string, path: string): Promise<boolean> {
      try {
        const response = await fetchImpl(`${settings.url}${path}`, { method, headers: headers() });
        await response.body?.cancel();
        return response.status !== 404 && response.status !== 405;
      } catch {
        return false;
      }
    },

    /** Sends a multipart form, reporting bytes sent. */
    async upload<T>(method: string, path: string, form: FormData, onProgress?: (sent: number, total: number) => void) {
      const encoded = new Request('http://local/', { method: 'POST', body: form });
      const bytes = new Uint8Array(await encoded.arrayBuffer());
      const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data';
      let offset = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
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
      const response = await send(path, {
        method,
        headers: headers({ 'content-type': contentType, 'content-length': String(bytes.length) }),
        body: stream,
        duplex: 'half',
      } as RequestInit);
      return (await response.json()) as T;
    },

    /** Streams `GET path` into `file`. */
    async download(path: string, file: string): Promise<void> {
      const response = await send(path, { headers: headers() });
      if (!response.body) throw new CliError(`Empty response for ${path}`, EXIT.server);
      await pipeline(Readable.fromWeb(response.body as never), createWriteStream(file));
    },

    /** Reads `GET path` as server-sent events until the stream ends or `signal` aborts. */
    async *events(path: string, signal: AbortSignal): AsyncGenerator<{ event: string; data: string }> {
      const response = await send(path, { headers: headers({ accept: 'text/event-stream' }), signal });
      if (!response.body) return;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, '\n');
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (data.length > 0) yield { event, data: data.join('\n') };
          end = buffer.indexOf('\n\n');
        }
      }
    },
  };
}
