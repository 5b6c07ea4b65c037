import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, tooLargeResponse } from '../problem.ts';

const JsonRpcSchema = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: z.union([z.string(), z.number()]).optional(),
    method: z.string().openapi({ example: 'tools/call' }),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('JsonRpcMessage', { description: 'A JSON-RPC 2.0 message (or a batch of them)' });

/** Documented here; served by the MCP SDK's transport, which reads the body itself. */
export const mcp = createRoute({
  method: 'post',
  path: '/mcp',
  tags: ['Agents'],
  summary: 'Model Context Protocol (Streamable HTTP, stateless): tools and the Skills extension',
  description:
    'Tools: search_skills, read_skill, read_skill_file, run_skill. The Skills extension ' +
    '(io.modelcontextprotocol/skills, directoryRead): skills/list, skills/get, resources/list, resources/read, ' +
    'resources/directory/read over skill:// URIs. Send `Accept: application/json, text/event-stream`. Same bearer ' +
    'tokens as the REST API; everything is scoped to the caller.',
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: z.union([JsonRpcSchema, z.array(JsonRpcSchema)]) } },
    },
  },
  responses: {
    200: {
      description: 'The JSON-RPC response(s), as JSON or as an SSE stream',
      content: {
        'application/json': { schema: z.record(z.string(), z.unknown()) },
        'text/event-stream': { schema: z.string() },
      },
    },
    202: { description: 'Accepted (notifications and responses carry no reply)' },
    ...errorResponses,
    ...tooLargeResponse,
  },
});
