import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import { generateText, isStepCount } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MIN_CONFIDENCE,
  OpenSkillsError,
  type RunEvent,
  SkillExecutor,
  SkillRouter,
  TOOL_NAME_PATTERN,
  toolNameFor,
} from '../../sdk/src/index.ts';
import { DEFAULT_MIN_CONFIDENCE as SERVER_MIN_CONFIDENCE } from '../../src/router/search.ts';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { backends } from '../helpers/db.ts';
import { sdkSkills } from './helpers.ts';

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

describe.each(backends)('SDK SkillRouter and SkillExecutor on %s', (backend) => {
  let t: TestApp;
  let router: SkillRouter;
  let executor: SkillExecutor;
  const dir = mkdtempSync(join(tmpdir(), 'os-sdk-'));

  beforeAll(async () => {
    t = await createTestApp(backend);
    for (const [name, files] of Object.entries(sdkSkills)) await publishSkill(t, files, name);
    await t.indexed();
    const options = {
      baseUrl: 'http://localhost/',
      token: await t.tokenFor(),
      fetch: ((input: Request | string, init?: RequestInit) => t.app.request(input, init)) as typeof fetch,
    };
    router = new SkillRouter(options);
    executor = new SkillExecutor(options);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('searches with the options the API takes', async () => {
    const hits = await router.search('count the rows of a csv spreadsheet', { topK: 3 });
    expect(hits[0]?.skill.name).toBe('csv-stats');
    expect(hits.length).toBeLessThanOrEqual(3);
    expect((await router.search('count rows', { tags: ['csv'] })).map((h) => h.skill.name)).toEqual(['csv-stats']);
    expect(await router.search('count rows', { inputMime: 'application/pdf' })).toEqual([]);
  });

  it('builds OpenAI, Anthropic and MCP tools from the declared inputs, with stable valid names', async () => {
    const openai: OpenAI.Chat.Completions.ChatCompletionTool[] = await router.tools({ format: 'openai' });
    const anthropic: Anthropic.Messages.Tool[] = await router.tools({ format: 'anthropic' });
    const mcp = await router.tools({ format: 'mcp' });
    const names = openai.map((tool) => (tool.type === 'function' ? tool.function.name : ''));
    // Instruction-only skills are not tools: they cannot run.
    expect(names.sort()).toEqual(['breaker', 'csv-stats', 'shout', toolNameFor('мой-навык')].sort());
    for (const name of names) expect(name).toMatch(TOOL_NAME_PATTERN);
    expect(toolNameFor('мой-навык')).toMatch(/^skill_[0-9a-f]{8}$/);
    expect(anthropic.map((tool) => tool.name).sort()).toEqual(names.sort());
    expect(mcp.map((tool) => tool.name).sort()).toEqual(names.sort());

    const csv = anthropic.find((tool) => tool.name === 'csv-stats')!;
    expect(csv.description).toBe('Counts the data rows of a CSV spreadsheet file and writes a summary');
    expect(csv.input_schema).toEqual({
      type: 'object',
      properties: {
        csv: { type: 'string', description: 'The table: the name of a file sent with the run (text/csv)' },
        column: { type: 'string' },
      },
      required: ['csv'],
    });
    // A skill whose input is not an object takes it wrapped, since every provider wants an object.
    expect(mcp.find((tool) => tool.name === 'shout')?.inputSchema).toEqual({
      type: 'object',
      properties: { input: { type: 'string', minLength: 1 } },
      required: ['input'],
    });
    const again = await router.tools({ format: 'openai' });
    expect(again).toEqual(openai);
  });

  it('builds tools for the best matches of a query only', async () => {
    const tools = await router.tools({ format: 'mcp', query: 'shout this text in capitals', topK: 1 });
    expect(tools.map((tool) => tool.name)).toEqual(['shout']);
  });

  it('builds no tools for a request no skill fits, with the threshold of POST /skills/select', async () => {
    expect(DEFAULT_MIN_CONFIDENCE).toBe(SERVER_MIN_CONFIDENCE);
    expect(await router.tools({ format: 'openai', query: 'a good recipe for sourdough bread' })).toEqual([]);
    const hits = await router.search('a good recipe for sourdough bread');
    expect(hits.every((hit) => hit.confidence < DEFAULT_MIN_CONFIDENCE)).toBe(true);
    // Asking for less confidence brings the least bad ones back.
    expect((await router.tools({ format: 'openai', query: 'shout a text', minConfidence: 0 })).length).toBeGreaterThan(
      0,
    );
  });

  it('routes OpenAI, Anthropic and MCP tool calls to runs and answers in the same format', async () => {
    await router.tools({ format: 'openai' });
    const files = { 'data.csv': new Blob(['a,b\n1,2\n3,4\n']) };
    const openaiCall: OpenAI.Chat.Completions.ChatCompletionMessageToolCall = {
      id: 'call_1',
      type: 'function',
      function: { name: 'csv-stats', arguments: '{"csv":"data.csv"}' },
    };
    const message: OpenAI.Chat.Completions.ChatCompletionToolMessageParam = await router.routeCall(openaiCall, {
      files,
    });
    expect(message.role).toBe('tool');
    expect(message.tool_call_id).toBe('call_1');
    const result = JSON.parse(message.content as string);
    expect(result.output).toEqual({ rows: 2 });
    expect(result.artifacts).toMatchObject([{ name: 'summary.txt', media_type: 'text/plain' }]);

    const block: Anthropic.Messages.ToolResultBlockParam = await router.routeCall({
      type: 'tool_use',
      id: 'toolu_1',
      name: toolNameFor('мой-навык'),
      input: { x: 21 },
    });
    expect(block).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_1' });
    expect(block.is_error).toBeUndefined();
    expect(JSON.parse(block.content as string).output).toEqual({ double: 42 });

    const shout = await router.routeCall({ name: 'shout', arguments: { input: 'hi' } });
    expect(shout.isError).toBeUndefined();
    expect(shout.structuredContent).toMatchObject({ output: 'HI', artifacts: [] });
    expect(JSON.parse(shout.content[0]!.text).output).toBe('HI');
  });

  it('answers failures as error results, never throws', async () => {
    const failed = await router.routeCall({ type: 'tool_use', id: 'toolu_2', name: 'breaker', input: {} });
    expect(failed).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_2', is_error: true });
    expect(failed.content).toMatch(/^Run [0-9a-f-]+ failed: skill_error: broken on purpose$/);

    const invalid = await router.routeCall({ name: toolNameFor('мой-навык'), arguments: { x: 'nope' } });
    expect(invalid.isError).toBe(true);
    expect(invalid.content[0]!.text).toContain('invalid_input');
    expect(invalid.content[0]!.text).toContain('input.x must be a number');

    const badJson = await router.routeCall({ id: 'c', type: 'function', function: { name: 'shout', arguments: '{' } });
    expect(badJson).toEqual({
      role: 'tool',
      tool_call_id: 'c',
      content: 'The arguments of "shout" are not valid JSON',
    });
    const unknown = await router.routeCall({
      type: 'tool-call',
      toolCallId: 'x',
      toolName: 'no-such-skill',
      input: {},
    });
    expect(unknown).toMatchObject({ type: 'tool-result', toolCallId: 'x', output: { type: 'error-text' } });
    expect(unknown.output.value).toBe('Unknown tool "no-such-skill": no runnable skill has this tool name');
    const instructions = await router.routeCall({ name: 'style-guide', arguments: {} });
    expect(instructions).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('Unknown tool') }] });
    const foreign = await router.routeCall({ name: 'has spaces!', arguments: {} });
    expect(foreign).toEqual({
      content: [{ type: 'text', text: 'Unknown tool "has spaces!": no runnable skill has this tool name' }],
      isError: true,
    });
  });

  it('routes calls in a router that did not list the tools itself (another process, a later request)', async () => {
    const fresh = new SkillRouter({
      baseUrl: 'http://localhost',
      token: await t.tokenFor(),
      fetch: async (i, init) => t.app.request(i as Request, init),
    });
    const shouted = await fresh.routeCall({ type: 'tool_use', id: 'a', name: 'shout', input: { input: 'wrapped' } });
    expect(JSON.parse(shouted.content).output).toBe('WRAPPED');
    const other = new SkillRouter({
      baseUrl: 'http://localhost',
      token: await t.tokenFor(),
      fetch: async (i, init) => t.app.request(i as Request, init),
    });
    const doubled = await other.routeCall({ name: toolNameFor('мой-навык'), arguments: { x: 4 } });
    expect(doubled.structuredContent).toMatchObject({ output: { double: 8 } });
  });

  it('gives the AI SDK a tool set generateText takes as it is, and runs the calls it makes', async () => {
    const tools = await router.tools({ format: 'ai-sdk', query: 'shout a text in capitals', topK: 2 });
    const model = new MockLanguageModelV4({
      doGenerate: [
        {
          content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'shout', input: '{"input":"quiet"}' }],
          finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
          usage,
          warnings: [],
        },
        {
          content: [{ type: 'text', text: 'Done: QUIET' }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage,
          warnings: [],
        },
      ],
    });
    const result = await generateText({ model, tools, prompt: 'shout quiet', stopWhen: isStepCount(3) });
    expect(result.text).toBe('Done: QUIET');
    const toolResult = result.steps[0]?.toolResults[0];
    expect(toolResult).toMatchObject({ toolName: 'shout', output: { output: 'QUIET', artifacts: [] } });
    // The model saw the tool's JSON Schema.
    const offered = model.doGenerateCalls[0]?.tools?.find((tool) => tool.name === 'shout');
    expect(offered).toMatchObject({ type: 'function', inputSchema: { properties: { input: { type: 'string' } } } });
    const failing = await router.tools({ format: 'ai-sdk' });
    await expect(failing['breaker']!.execute({}, { toolCallId: 'c' })).rejects.toThrow(
      'skill_error: broken on purpose',
    );
  });

  it('runs with files given as Blob, bytes or a path, streams events and downloads artifacts', async () => {
    const path = join(dir, 'table.csv');
    writeFileSync(path, 'a\n1\n2\n3\n');
    const byPath = await executor.run('csv-stats', { csv: 'table.csv' }, { files: { 'table.csv': path } });
    expect(byPath).toMatchObject({ status: 'succeeded', output: { rows: 3 } });
    const byBytes = await executor.run(
      'csv-stats',
      { csv: 'b.csv' },
      { files: { 'b.csv': new TextEncoder().encode('a\n1\n') }, version: '1.0.0', timeoutMs: 10_000 },
    );
    expect(byBytes.output).toEqual({ rows: 1 });

    const artifact = byPath.artifacts[0]!;
    const downloaded = await executor.downloadArtifact(artifact.id);
    expect(new TextDecoder().decode(downloaded.bytes)).toBe('rows: 3');
    expect(downloaded).toMatchObject({ name: 'summary.txt', mediaType: 'text/plain', sha256: artifact.sha256 });
    expect(executor.emitArtifactEvent(artifact)).toEqual({
      type: 'file',
      url: `http://localhost/artifacts/${artifact.id}`,
      mediaType: 'text/plain',
    });

    const events: RunEvent[] = [];
    const files = { 'c.csv': new Blob(['a\n1\n2\n']) };
    for await (const event of executor.stream('csv-stats', { csv: 'c.csv' }, { files })) events.push(event);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'succeeded', output: { rows: 2 } } });
    expect(events.filter((e) => e.event === 'log').map((e) => e.data.message)).toEqual(['counted 2']);
    expect(events.filter((e) => e.event === 'artifact').map((e) => e.data.name)).toEqual(['summary.txt']);

    const chunks = [];
    for await (const chunk of executor.stream('shout', 'hey', { format: 'ui-message-stream' })) chunks.push(chunk);
    expect(chunks.map((c) => c.type)).toEqual(['start', 'tool-input-available', 'tool-output-available', 'finish']);
    expect(chunks[2]).toMatchObject({ output: 'HEY' });
  });

  it('starts a run, follows it by id and passes the UI message stream on as a response', async () => {
    const queued = await executor.start('shout', 'later');
    expect(['queued', 'running']).toContain(queued.status);
    const events: RunEvent[] = [];
    for await (const event of executor.events(queued.id)) events.push(event);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { id: queued.id, output: 'LATER' } });

    const response = await executor.uiMessageStreamResponse(queued.id);
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const body = await response.text();
    expect(body).toContain(`data: {"type":"start","messageId":"${queued.id}"}`);
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('throws OpenSkillsError with the problem for refused requests', async () => {
    const error = await executor.run('no-such-skill', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenSkillsError);
    expect(error).toMatchObject({ status: 404, problem: { status: 404, title: 'Not found' } });
    await expect(executor.downloadArtifact('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      status: 404,
    });
    const anonymous = new SkillRouter({
      baseUrl: 'http://localhost',
      fetch: async (i, init) => t.app.request(i as Request, init),
    });
    await expect(anonymous.search('x')).rejects.toMatchObject({ status: 401 });
  });

  it('writes the <available_skills> prompt block', async () => {
    const all = await router.availableSkillsPrompt();
    expect(all).toContain('<available_skills>');
    expect(all).toContain('<name>\nstyle-guide\n</name>');
    const some = await router.availableSkillsPrompt({ query: 'house style for reports', topK: 1 });
    expect(some).toContain('style-guide');
    expect(some).not.toContain('csv-stats');
  });
});
