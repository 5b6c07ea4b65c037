import { createRouter } from '../router.ts';
import { handleMcp, methodNotAllowed } from './mcp.handlers.ts';
import * as routes from './mcp.routes.ts';

/** MCP over Streamable HTTP at /mcp (after bearer auth, with the default body limit). */
export function mcpRouter(options: { publicUrl?: string; maxBodyBytes: number }) {
  const router = createRouter();
  router.openAPIRegistry.registerPath(routes.mcp);
  router.post('/mcp', handleMcp(options.publicUrl, options.maxBodyBytes));
  router.on(['GET', 'DELETE'], '/mcp', methodNotAllowed);
  return router;
}
