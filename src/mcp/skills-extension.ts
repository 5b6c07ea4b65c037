/**
 * The MCP Skills extension (`io.modelcontextprotocol/skills`): `skills/list`, `skills/get`, `resources/list`,
 * `resources/read` and `resources/directory/read` over the latest published version of each skill the caller sees.
 * Entries carry the SKILL.md front matter as written and the complete file manifest with `sha256:` digests; results
 * are per caller (`cacheScope: "private"`). Unknown skills, files and directories answer JSON-RPC -32602.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Caller } from '../auth/caller.ts';
import { AppError } from '../errors.ts';
import type { Registry } from '../skills/registry.ts';
import type { SkillVersionDto } from '../skills/schemas.ts';
import { MAX_URI_LENGTH, notServed, parseSkillUri, skillUri } from './skill-uris.ts';

export const SKILLS_EXTENSION = 'io.modelcontextprotocol/skills';
/** Skills per `skills/list` (and `resources/list`) page. */
export const SKILLS_PAGE_SIZE = 50;
/** How long a client may reuse a result; a newly published version shows up after at most this long. */
const CACHE = { ttlMs: 60_000, cacheScope: 'private' as const };
const COMPLETE = { resultType: 'complete' as const, ...CACHE };

const Cursor = z.string().max(512).optional();
const UriParams = z.object({ uri: z.string().max(MAX_URI_LENGTH) }).passthrough();
const ListSkillsRequest = z.object({
  method: z.literal('skills/list'),
  params: z.object({ cursor: Cursor }).passthrough().optional(),
});
const GetSkillRequest = z.object({ method: z.literal('skills/get'), params: UriParams });
const ReadDirectoryRequest = z.object({
  method: z.literal('resources/directory/read'),
  params: UriParams.extend({ cursor: Cursor }),
});
const ListResourcesRequest = z.object({
  method: z.literal('resources/list'),
  params: z.object({ cursor: Cursor }).passthrough().optional(),
});
const ReadResourceRequest = z.object({ method: z.literal('resources/read'), params: UriParams });

/** The Skills extension entry of a version: SKILL.md's URI, its front matter as written, every file's digest. */
export function skillEntry(version: SkillVersionDto) {
  return {
    uri: skillUri(version.name, 'SKILL.md'),
    frontmatter: { name: version.name, description: version.description, ...version.front_matter },
    resources: version.files.map((f) => ({
      uri: skillUri(version.name, f.path),
      digest: `sha256:${f.sha256}`,
      size: f.size,
    })),
  };
}

/** Text when the bytes are UTF-8 text exactly (so a digest of the text's UTF-8 matches), else base64. */
function fileContents(uri: string, file: { mime: string; content: Uint8Array }) {
  const textual = file.mime.startsWith('text/') || /json|xml|yaml|javascript|typescript/.test(file.mime);
  if (textual) {
    try {
      const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(file.content);
      return { uri, mimeType: file.mime, text };
    } catch {
      // Not UTF-8: sent as bytes.
    }
  }
  return { uri, mimeType: file.mime, blob: Buffer.from(file.content).toString('base64') };
}

export function registerSkillsExtension(server: McpServer, registry: Registry, caller: Caller) {
  /** The latest published version of skill `name`, or -32602 when the caller sees none. */
  async function latest(name: string): Promise<SkillVersionDto> {
    try {
      const { versionId } = await registry.resolveVersion(caller, name);
      return await registry.getVersion(caller, versionId);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found')
        throw notServed(`No skill is served at ${skillUri(name, 'SKILL.md')}`);
      throw error;
    }
  }

  /** A page of the skills the caller sees that have a published version, with their latest versions. */
  async function page(cursor: string | undefined) {
    const listed = await registry.listSkills(caller, { cursor, limit: SKILLS_PAGE_SIZE }).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'invalid_request') throw notServed('Invalid cursor');
      throw error;
    });
    const versions = await Promise.all(
      listed.data.filter((s) => s.latest_version_id).map((s) => registry.getVersion(caller, s.latest_version_id!)),
    );
    return { versions, next: listed.next_cursor ? { nextCursor: listed.next_cursor } : {} };
  }

  const low = server.server;
  low.setRequestHandler(ListSkillsRequest, async (request) => {
    const { versions, next } = await page(request.params?.cursor);
    return { ...COMPLETE, skills: versions.map(skillEntry), ...next };
  });

  low.setRequestHandler(GetSkillRequest, async (request) => {
    const { name, path } = parseSkillUri(request.params.uri);
    if (path !== 'SKILL.md') throw notServed(`${request.params.uri} is not the SKILL.md of a skill`);
    return { ...COMPLETE, skill: skillEntry(await latest(name)) };
  });

  low.setRequestHandler(ListResourcesRequest, async (request) => {
    const { versions, next } = await page(request.params?.cursor);
    const resources = versions.map((v) => ({
      uri: skillUri(v.name, 'SKILL.md'),
      name: v.name,
      description: v.description,
      mimeType: 'text/markdown',
    }));
    return { ...COMPLETE, resources, ...next };
  });

  low.setRequestHandler(ReadResourceRequest, async (request) => {
    const { uri } = request.params;
    const { name, path } = parseSkillUri(uri);
    const version = await latest(name);
    const read = await registry.readFile(caller, version.id, path).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') throw notServed(`No file is served at ${uri}`);
      throw error;
    });
    return { ...COMPLETE, contents: [fileContents(uri, read.file)] };
  });

  low.setRequestHandler(ReadDirectoryRequest, async (request) => {
    const { uri } = request.params;
    const { name, path } = parseSkillUri(uri);
    const version = await latest(name);
    const prefix = path ? `${path}/` : '';
    if (version.files.some((f) => f.path === path)) throw notServed(`${uri} is not a directory resource`);
    const below = version.files.filter((f) => f.path.startsWith(prefix));
    if (below.length === 0) throw notServed(`No directory is served at ${uri}`);
    const children = new Map<string, { uri: string; name: string; mimeType: string; size?: number }>();
    for (const file of below) {
      const [child, ...deeper] = file.path.slice(prefix.length).split('/');
      const childPath = `${prefix}${child}`;
      if (children.has(childPath)) continue;
      children.set(
        childPath,
        deeper.length
          ? { uri: skillUri(version.name, childPath), name: child!, mimeType: 'inode/directory' }
          : { uri: skillUri(version.name, childPath), name: child!, mimeType: file.mime, size: file.size },
      );
    }
    return { resultType: 'complete' as const, resources: [...children.values()] };
  });
}
