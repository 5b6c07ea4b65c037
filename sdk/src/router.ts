/**
 * `SkillRouter`: find skills, hand them to a model as tools, and run the tool calls it makes.
 *
 * @example
 * const router = new SkillRouter({ baseUrl: 'http://localhost:8000', token });
 * const tools = await router.tools({ format: 'openai', query: 'turn a spreadsheet into slides' });
 * // ... the model answers with tool calls ...
 * const message = await router.routeCall(toolCall); // { role: 'tool', tool_call_id, content }
 */
import type { OpenSkillsClientOptions } from './client.ts';
import { unwrap } from './errors.ts';
import { type Run, type RunFileContent, SkillExecutor } from './executor.ts';
import type { components } from './schema.ts';
import {
  type AiSdkToolCall,
  type AiSdkToolResult,
  type AnthropicToolResult,
  type AnthropicToolUse,
  type McpToolCall,
  type McpToolResult,
  type OpenAIToolCall,
  type OpenAIToolMessage,
  readToolCall,
  type ToolCall,
  type ToolOutcome,
  toolResult,
} from './tool-calls.ts';
import { TOOL_NAME_PATTERN } from './tool-names.ts';
import {
  type AiSdkToolSet,
  type AnthropicTool,
  type McpTool,
  type OpenAITool,
  type SkillTool,
  skillTool,
  standardSchemaOf,
  type ToolFormat,
  toAnthropicTool,
  toMcpTool,
  toOpenAITool,
} from './tools.ts';

export type SearchHit = components['schemas']['SearchHit'];

export interface SearchOptions {
  topK?: number;
  /** Only skills carrying every one of these tags. */
  tags?: string[];
  /** Only skills with an input of this media type (`type/*` for any subtype). */
  inputMime?: string;
  /** Only skills with an output of this media type. */
  outputMime?: string;
  /** Drop results whose fused score is below this. */
  minScore?: number;
  /** Drop results less confident than this (0-1); none left means no skill fits the request. */
  minConfidence?: number;
}

export interface ToolsOptions {
  format: ToolFormat;
  /** The user's request: the router's best skills for it. Without it: every published runnable skill. */
  query?: string;
  /** At most this many tools (default 5 with a query, 100 without). */
  topK?: number;
  tags?: string[];
  /**
   * With a query: only skills at least this confident (default `DEFAULT_MIN_CONFIDENCE`, the server's
   * `POST /skills/select` default), so a request no skill fits gets no tools rather than the least bad ones.
   */
  minConfidence?: number;
}

/** The confidence `tools({ query })` asks for by default: the same as the server's `POST /skills/select`. */
export const DEFAULT_MIN_CONFIDENCE = 0.5;

export interface RouteCallOptions {
  /** Files for `ctx.files`, by name (a tool argument of type file names one of them). */
  files?: Record<string, RunFileContent>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Versions fetched at once when building a tool list. */
const DETAIL_CONCURRENCY = 8;
const ALL_SKILLS_DEFAULT = 100;

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export class SkillRouter {
  readonly executor: SkillExecutor;
  /** Tools handed out by `tools()`, by name, so `routeCall` runs the version that was described. */
  readonly #known = new Map<string, SkillTool>();

  constructor(options: OpenSkillsClientOptions) {
    this.executor = new SkillExecutor(options);
  }

  get #client() {
    return this.executor.connection.client;
  }

  /** The router's ranking for a request, best first (published skills only). */
  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const body = {
      query,
      ...(options.topK !== undefined ? { top_k: options.topK } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
      ...(options.inputMime ? { input_mime: options.inputMime } : {}),
      ...(options.outputMime ? { output_mime: options.outputMime } : {}),
      ...(options.minScore !== undefined ? { min_score: options.minScore } : {}),
      ...(options.minConfidence !== undefined ? { min_confidence: options.minConfidence } : {}),
    };
    return unwrap(await this.#client.POST('/skills/search', { body })).results;
  }

  /** Tool definitions for the best-matching (or all published) runnable skills, in the provider's shape. */
  tools(options: ToolsOptions & { format: 'openai' }): Promise<OpenAITool[]>;
  tools(options: ToolsOptions & { format: 'anthropic' }): Promise<AnthropicTool[]>;
  tools(options: ToolsOptions & { format: 'mcp' }): Promise<McpTool[]>;
  tools(options: ToolsOptions & { format: 'ai-sdk' }): Promise<AiSdkToolSet>;
  async tools(options: ToolsOptions): Promise<OpenAITool[] | AnthropicTool[] | McpTool[] | AiSdkToolSet> {
    const tools = await this.skillTools(options);
    switch (options.format) {
      case 'openai':
        return tools.map(toOpenAITool);
      case 'anthropic':
        return tools.map(toAnthropicTool);
      case 'mcp':
        return tools.map(toMcpTool);
      case 'ai-sdk':
        return Object.fromEntries(tools.map((t) => [t.name, this.#aiSdkTool(t)]));
      default:
        throw new TypeError(`Unknown tool format "${String(options.format)}" (openai, anthropic, ai-sdk or mcp)`);
    }
  }

  /** The runnable skills as provider-neutral `SkillTool`s (what `tools()` converts). */
  async skillTools(options: Omit<ToolsOptions, 'format'> = {}): Promise<SkillTool[]> {
    const versionIds = options.query
      ? (
          await this.search(options.query, {
            topK: options.topK ?? 5,
            tags: options.tags,
            minConfidence: options.minConfidence ?? DEFAULT_MIN_CONFIDENCE,
          })
        ).map((h) => h.skill.version_id)
      : await this.#publishedVersionIds(options.topK ?? ALL_SKILLS_DEFAULT, options.tags);
    const versions = await mapLimited(versionIds, DETAIL_CONCURRENCY, async (id) =>
      unwrap(await this.#client.GET('/skill-versions/{id}', { params: { path: { id } } })),
    );
    const tools = versions.filter((v) => v.runnable).map(skillTool);
    for (const t of tools) this.#known.set(t.name, t);
    return tools;
  }

  /**
   * The `<available_skills>` block for a system prompt: the router's best for `query`, the named `skills`, or every
   * published skill.
   */
  async availableSkillsPrompt(options: { query?: string; skills?: string[]; topK?: number; tags?: string[] } = {}) {
    const body = {
      ...(options.query ? { query: options.query } : {}),
      ...(options.skills ? { skills: options.skills } : {}),
      ...(options.topK !== undefined ? { top_k: options.topK } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
    };
    const { data, error, response } = await this.#client.POST('/skills/prompt', { body, parseAs: 'text' });
    return unwrap({ data, error, response });
  }

  /**
   * Runs the skill a tool call names and answers with the tool result in the call's own format (OpenAI tool
   * message, Anthropic `tool_result`, MCP `CallToolResult`, AI SDK `tool-result`). Failures (a failed run, an
   * unknown tool, bad arguments, a refused request) are error results, never throws.
   */
  routeCall(call: OpenAIToolCall, options?: RouteCallOptions): Promise<OpenAIToolMessage>;
  routeCall(call: AnthropicToolUse, options?: RouteCallOptions): Promise<AnthropicToolResult>;
  routeCall(call: AiSdkToolCall, options?: RouteCallOptions): Promise<AiSdkToolResult>;
  routeCall(call: McpToolCall, options?: RouteCallOptions): Promise<McpToolResult>;
  async routeCall(call: ToolCall, options: RouteCallOptions = {}): Promise<unknown> {
    const read = readToolCall(call);
    if ('error' in read) return toolResult(read.call, { ok: false, message: read.error });
    return toolResult(read.call, await this.#execute(read.name, read.input, options));
  }

  async #execute(toolName: string, input: Record<string, unknown>, options: RouteCallOptions): Promise<ToolOutcome> {
    try {
      const tool = await this.#resolve(toolName);
      if (!tool) return { ok: false, message: `Unknown tool "${toolName}": no runnable skill has this tool name` };
      const run = await this.executor.run(tool.skill, tool.wrapsInput ? input['input'] : input, {
        ...options,
        version: tool.version,
      });
      return outcomeOf(run);
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * The tool a name stands for: one `tools()` handed out, else the skill of that name, else (names of non-ASCII
   * skills carry a fingerprint) the one among all runnable skills, so a router that did not list the tools itself
   * (another process, a later request) routes the same calls.
   */
  async #resolve(toolName: string): Promise<SkillTool | undefined> {
    const known = this.#known.get(toolName);
    if (known || !TOOL_NAME_PATTERN.test(toolName)) return known;
    const skill = await this.#client.GET('/skills/{id}', { params: { path: { id: toolName } } });
    const versionId = skill.data?.runnable ? skill.data.latest_version_id : null;
    if (versionId) {
      const version = unwrap(await this.#client.GET('/skill-versions/{id}', { params: { path: { id: versionId } } }));
      const tool = skillTool(version);
      if (tool.name === toolName) {
        this.#known.set(tool.name, tool);
        return tool;
      }
    }
    if (!/_[0-9a-f]{8}$/.test(toolName)) return undefined;
    await this.skillTools();
    return this.#known.get(toolName);
  }

  #aiSdkTool(t: SkillTool) {
    return {
      description: t.description,
      inputSchema: standardSchemaOf(t.inputSchema),
      // The AI SDK reports a thrown error to the model as the tool's error result.
      execute: async (
        input: Record<string, unknown>,
        { abortSignal }: { toolCallId: string; abortSignal?: AbortSignal },
      ) => {
        const outcome = await this.#execute(t.name, input, { signal: abortSignal });
        if (!outcome.ok) throw new Error(outcome.message);
        return outcome.result;
      },
    };
  }

  async #publishedVersionIds(limit: number, tags?: string[]): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = unwrap(
        await this.#client.GET('/skills', {
          params: {
            query: { limit: 100, ...(cursor ? { cursor } : {}), ...(tags?.length === 1 ? { tag: tags[0] } : {}) },
          },
        }),
      );
      for (const s of page.data) {
        const tagged = !tags || tags.every((tag) => s.tags.includes(tag));
        if (s.runnable && s.latest_version_id && tagged && ids.length < limit) ids.push(s.latest_version_id);
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor && ids.length < limit);
    return ids;
  }
}

/** What a tool result says about a run: its output and artifacts, or why it failed. */
export function outcomeOf(run: Run): ToolOutcome {
  const artifacts = run.artifacts.map((a) => ({
    id: a.id,
    name: a.name,
    media_type: a.mime_type,
    size: a.size,
    url: a.url,
  }));
  if (run.status === 'succeeded') {
    return { ok: true, result: { run_id: run.id, output: run.output, artifacts }, artifacts: run.artifacts };
  }
  const error = run.error ? `${run.error.type}: ${run.error.message}` : run.status;
  const fields = run.error?.errors?.map((e) => `${e.field} ${e.message}`).join('; ');
  return { ok: false, message: `Run ${run.id} ${run.status}: ${error}${fields ? ` (${fields})` : ''}` };
}
