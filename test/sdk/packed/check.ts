// Run inside a scratch project that installed the packed SDK: everything below goes through `@open-skills/sdk`
// alone. It type-checks there in strict mode against the package's .d.ts, then runs against a real server and
// prints what it saw as one JSON document.
import type Anthropic from '@anthropic-ai/sdk';
import { type RunEvent, SkillExecutor, SkillRouter } from '@open-skills/sdk';
import type { ToolSet } from 'ai';
import type OpenAI from 'openai';

const options = { baseUrl: process.env['OPEN_SKILLS_URL'] ?? '', token: process.env['OPEN_SKILLS_TOKEN'] };
const router = new SkillRouter(options);
const executor = new SkillExecutor(options);

const hits = await router.search('count the rows of a csv spreadsheet', { topK: 3 });
const openaiTools: OpenAI.Chat.Completions.ChatCompletionTool[] = await router.tools({ format: 'openai' });
const anthropicTools: Anthropic.Messages.Tool[] = await router.tools({ format: 'anthropic' });
const aiSdkTools: ToolSet = await router.tools({ format: 'ai-sdk', query: 'count csv rows', topK: 2 });

const call: OpenAI.Chat.Completions.ChatCompletionMessageToolCall = {
  id: 'call_1',
  type: 'function',
  function: { name: 'csv-stats', arguments: JSON.stringify({ csv: 'sales.csv' }) },
};
const files = { 'sales.csv': new Blob(['region,total\nnorth,10\nsouth,20\neast,5\n'], { type: 'text/csv' }) };
const toolMessage: OpenAI.Chat.Completions.ChatCompletionToolMessageParam = await router.routeCall(call, { files });
const routed = JSON.parse(String(toolMessage.content)) as { run_id: string; output: unknown };

const events: RunEvent[] = [];
for await (const event of executor.stream('csv-stats', { csv: 'sales.csv' }, { files })) events.push(event);
const done = events.find((e) => e.event === 'done');
const artifact = done?.event === 'done' ? done.data.artifacts[0] : undefined;
if (!artifact) throw new Error('the streamed run wrote no artifact');
const downloaded = await executor.downloadArtifact(artifact.id);

process.stdout.write(
  JSON.stringify({
    hits: hits.map((h) => h.skill.name),
    openai: openaiTools.map((t) => (t.type === 'function' ? t.function.name : t.custom.name)),
    anthropic: anthropicTools.map((t) => ({ name: t.name, schema: t.input_schema })),
    aiSdk: Object.keys(aiSdkTools),
    routed: { message: toolMessage, output: routed.output },
    events: events.map((e) => e.event),
    artifact: { name: downloaded.name, text: new TextDecoder().decode(downloaded.bytes), sha256: downloaded.sha256 },
    expectedSha256: artifact.sha256,
  }),
);
