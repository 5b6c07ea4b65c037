/**
 * The MCP server of one request: the tools and the Skills extension, acting as the authenticated caller. The HTTP
 * route (src/api/mcp) builds one per request (stateless Streamable HTTP), so nothing is shared between callers.
 *
 * @example
 * const server = createMcpServer(services, caller, 'https://skills.example.com');
 * await server.connect(transport);
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Caller } from '../auth/caller.ts';
import { registerSkillsExtension, SKILLS_EXTENSION } from './skills-extension.ts';
import { registerTools, type ToolServices } from './tools.ts';

export const MCP_SERVER_INFO = { name: 'open-skills', version: '0.1.0' };

const INSTRUCTIONS =
  'Skills are versioned folders of instructions and code. Call search_skills with the task, read_skill for the ' +
  'best match, read_skill_file for files its instructions name, and run_skill to run its code. The skills are ' +
  'also served as skill:// resources (Skills extension).';

export function createMcpServer(services: ToolServices, caller: Caller, origin: string): McpServer {
  const server = new McpServer(MCP_SERVER_INFO, {
    instructions: INSTRUCTIONS,
    capabilities: {
      tools: {},
      resources: {},
      // Declared in the initialize result: today's clients negotiate a protocol revision without server/discover.
      extensions: { [SKILLS_EXTENSION]: { directoryRead: true } },
    },
  });
  registerTools(server, services, caller, origin);
  registerSkillsExtension(server, services.registry, caller);
  return server;
}
