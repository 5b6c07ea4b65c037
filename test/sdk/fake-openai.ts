import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: chat bodies are checked field by field in the tests.
type Json = any;

/** One scripted answer: the chat completion message for a request (its messages and offered tools). */
export type ScriptedTurn = (request: Json) => Json;

/**
 * A local OpenAI-compatible chat server (`POST /v1/chat/completions`) that answers each request with the next
 * scripted message, and keeps every request it got. A request past the script is answered 500.
 */
export async function startFakeOpenAI(script: ScriptedTurn[]) {
  const requests: Json[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        send(404, { error: { message: `no route ${req.method} ${req.url}` } });
        return;
      }
      const request = JSON.parse(body);
      requests.push(request);
      const turn = script[requests.length - 1];
      if (!turn) {
        send(500, { error: { message: 'the script has no more turns' } });
        return;
      }
      let message: Json;
      try {
        message = turn(request);
      } catch (error) {
        send(400, { error: { message: String(error) } });
        return;
      }
      send(200, {
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
