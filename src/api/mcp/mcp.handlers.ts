import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import { createMcpServer } from '../../mcp/server.ts';
import type { AppEnv } from '../context.ts';

/**
 * POST /mcp: one JSON-RPC exchange, stateless. The caller is the bearer token's; a server and a transport are
 * built for the request and closed after it, so no state (or caller) outlives it.
 */
export function handleMcp(publicUrl: string | undefined, maxBodyBytes: number) {
  return async (c: Context<AppEnv>) => {
    const origin = publicUrl ?? new URL(c.req.url).origin;
    const server = createMcpServer(c.var.services, c.var.caller, origin);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
      maxRequestBodySize: maxBodyBytes,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  };
}

/** GET and DELETE: a stateless server has no stream to resume and no session to end. */
export function methodNotAllowed(): never {
  throw new AppError('method_not_allowed', 'POST JSON-RPC messages to /mcp (stateless Streamable HTTP)');
}
