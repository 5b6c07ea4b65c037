/**
 * The MCP tools: find a skill, read it level by level (progressive disclosure), run it. Failures (a skill that is
 * not there, a run that failed) are tool error results the model can read, never protocol errors.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Caller } from '../auth/caller.ts';
import { AppError } from '../errors.ts';
import { DEFAULT_MIN_CONFIDENCE, type SearchService } from '../router/search.ts';
import type { RunDto } from '../runs/schemas.ts';
import type { RunService } from '../runs/service.ts';
import type { Registry } from '../skills/registry.ts';

/** Services the tools use; `runs` is read only when a skill runs (it throws when running is not configured). */
export interface ToolServices {
  readonly registry: Registry;
  readonly search: SearchService;
  readonly runs: RunService;
}

/** Files past this size are not returned inline by read_skill_file (download them from the REST API). */
export const MAX_INLINE_FILE_BYTES = 1024 * 1024;
/** Image artifacts up to this size come back as MCP image content; larger ones as links only. */
export const MAX_INLINE_IMAGE_BYTES = 2 * 1024 * 1024;
/** Log lines a run_skill result shows (the last ones); the run's URL has them all. */
const LOG_LINES = 20;

const name = z.string().min(1).max(128).describe('Skill name (or id)');
const version = z.string().min(1).max(128).optional().describe('A semantic version or a label; default: latest');

const text = (value: string): CallToolResult['content'][number] => ({ type: 'text', text: value });
const errorResult = (message: string): CallToolResult => ({ isError: true, content: [text(message)] });

/** Runs a tool body; domain errors (not found, forbidden, invalid input...) become error results. */
async function guarded(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof AppError) return errorResult(error.message);
    throw error;
  }
}

async function streamBytes(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function registerTools(server: McpServer, services: ToolServices, caller: Caller, origin: string) {
  server.registerTool(
    'search_skills',
    {
      description: 'Find the skills that fit a request (hybrid full-text and semantic search), best first.',
      inputSchema: {
        query: z.string().min(1).max(2000).describe('What the user wants done'),
        top_k: z.number().int().min(1).max(50).default(5).describe('How many skills to return'),
        tags: z.array(z.string().max(64)).max(20).optional().describe('Only skills with every one of these tags'),
        min_confidence: z
          .number()
          .min(0)
          .max(1)
          .default(DEFAULT_MIN_CONFIDENCE)
          .describe('Only skills at least this confident (0-1); an empty list means no skill fits the request'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ query, top_k, tags, min_confidence }) =>
      guarded(async () => {
        // As POST /skills/select: an agent asking for a skill that is not there gets none, not the least bad one.
        const { results } = await services.search.search(caller, { query, topK: top_k, tags });
        const skills = results
          .filter((hit) => hit.confidence >= min_confidence)
          .map(({ skill, score, confidence }) => ({
            name: skill.name,
            description: skill.description,
            version: skill.version,
            tags: skill.tags,
            inputs: skill.inputs,
            score: Math.round(score * 1000) / 1000,
            confidence,
          }));
        const found = { skills, best_confidence: results[0]?.confidence ?? null };
        return { content: [text(JSON.stringify(found, null, 2))], structuredContent: found };
      }),
  );

  server.registerTool(
    'read_skill',
    {
      description: "A skill's instructions (the SKILL.md body) and its file list: read it before using the skill.",
      inputSchema: { name, version },
      annotations: { readOnlyHint: true },
    },
    ({ name, version }) =>
      guarded(async () => {
        const v = await services.registry.getVersionByRef(caller, name, version ?? 'latest');
        const files = v.files.map((f) => `- ${f.path} (${f.size} bytes, ${f.mime})`).join('\n');
        const inputs = v.input_schema ? `\n\nInput (JSON Schema):\n${JSON.stringify(v.input_schema)}` : '';
        const head = `# ${v.name} ${v.version}${v.runnable ? ' (runnable with run_skill)' : ''}\n\n${v.description}`;
        return { content: [text(`${head}${inputs}\n\n${v.instructions}\n\n## Files\n${files}`)] };
      }),
  );

  server.registerTool(
    'read_skill_file',
    {
      description: 'One file of a skill (a reference, a script, a template) by its path in the skill.',
      inputSchema: {
        name,
        path: z.string().min(1).max(1024).describe('Path inside the skill, e.g. scripts/main.ts'),
        version,
      },
      annotations: { readOnlyHint: true },
    },
    ({ name, path, version }) =>
      guarded(async () => {
        const { versionId } = await services.registry.resolveVersion(caller, name, version);
        const { version: v, file } = await services.registry.readFile(caller, versionId, path);
        if (file.size > MAX_INLINE_FILE_BYTES) {
          return errorResult(
            `${path} is ${file.size} bytes, more than ${MAX_INLINE_FILE_BYTES} returned inline; download ${origin}/skill-versions/${v.id}/files/${path}`,
          );
        }
        if (file.mime.startsWith('image/')) {
          return {
            content: [{ type: 'image', data: Buffer.from(file.content).toString('base64'), mimeType: file.mime }],
          };
        }
        const decoded = new TextDecoder('utf-8', { fatal: false }).decode(file.content);
        const binary = decoded.includes('\uFFFD');
        const uri = `${origin}/skill-versions/${v.id}/files/${path}`;
        const resource = binary
          ? { uri, mimeType: file.mime, blob: Buffer.from(file.content).toString('base64') }
          : { uri, mimeType: file.mime, text: decoded };
        return { content: [{ type: 'resource', resource }] };
      }),
  );

  server.registerTool(
    'run_skill',
    {
      description:
        "Run a skill's code in the sandbox with a JSON input; returns its output, a log summary and links to the " +
        'files it wrote. A failed run is an error result with the reason.',
      inputSchema: {
        name,
        input: z.unknown().optional().describe("The skill's JSON input (see read_skill)"),
        version,
        timeout_ms: z.number().int().min(1).max(3_600_000).optional().describe('Deadline of the run'),
      },
    },
    ({ name, input, version, timeout_ms }) =>
      guarded(async () => {
        const runs = services.runs;
        const { run } = await runs.start(caller, { skill: name, version, input, timeout_ms, async: false });
        return runResult(runs, caller, run, origin);
      }),
  );
}

/** A finished run as a tool result: output (or error), the last log lines, artifact links, images inline. */
async function runResult(runs: RunService, caller: Caller, run: RunDto, origin: string): Promise<CallToolResult> {
  const artifacts = run.artifacts.map((a) => ({
    name: a.name,
    mime_type: a.mime_type,
    size: a.size,
    url: `${origin}${a.url}`,
  }));
  const logs = run.logs.slice(-LOG_LINES).map((l) => `[${l.level}] ${l.message}`);
  const summary = {
    run_id: run.id,
    status: run.status,
    ...(run.status === 'succeeded' ? { output: run.output } : { error: run.error }),
    logs: { lines: run.logs.length, last: logs },
    artifacts,
    url: `${origin}/runs/${run.id}`,
  };
  const content: CallToolResult['content'] = [text(JSON.stringify(summary, null, 2))];
  for (const artifact of run.artifacts) {
    if (!artifact.mime_type.startsWith('image/') || artifact.size > MAX_INLINE_IMAGE_BYTES) continue;
    const row = await runs.getArtifact(caller, artifact.id);
    const bytes = await streamBytes((await runs.openArtifact(row)).body);
    content.push({ type: 'image', data: Buffer.from(bytes).toString('base64'), mimeType: artifact.mime_type });
  }
  return { isError: run.status !== 'succeeded', content, structuredContent: summary };
}
