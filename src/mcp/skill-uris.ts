/**
 * `skill://` URIs of the MCP Skills extension: `skill://{name}/{path}` for a file of a skill's latest published
 * version, `skill://{name}` (and `skill://{name}/{dir}`) for its directories. Path segments are percent-encoded.
 */
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

export const SKILL_SCHEME = 'skill://';
/** A URI longer than this names nothing here. */
export const MAX_URI_LENGTH = 2048;

export const skillUri = (name: string, path?: string) =>
  `${SKILL_SCHEME}${encodeURIComponent(name)}${path ? `/${path.split('/').map(encodeURIComponent).join('/')}` : ''}`;

/** The skill name and the path inside it (empty for the skill's root) that `uri` names; -32602 when it is not one. */
export function parseSkillUri(uri: string): { name: string; path: string } {
  const invalid = () => new McpError(ErrorCode.InvalidParams, `Not a skill resource: ${uri.slice(0, 200)}`);
  if (uri.length > MAX_URI_LENGTH || !uri.startsWith(SKILL_SCHEME)) throw invalid();
  const segments = uri.slice(SKILL_SCHEME.length).split('/');
  try {
    const [name, ...rest] = segments.map(decodeURIComponent);
    if (!name || rest.some((s) => s === '' || s === '.' || s === '..')) throw invalid();
    return { name, path: rest.join('/') };
  } catch {
    throw invalid();
  }
}

/** -32602 naming what is not served: the Skills extension's answer for unknown skills, files and directories. */
export const notServed = (what: string) => new McpError(ErrorCode.InvalidParams, what);
