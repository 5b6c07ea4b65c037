// The TypeScript half of the tool-definition agreement: sdk/python/tests/test_tools_fixture.py checks the Python SDK
// against the same two files, so both SDKs make the same tools of the same skills.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { skillTool, toAnthropicTool, toMcpTool, toOpenAITool } from '../../sdk/src/tools.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../sdk/python/tests/fixtures/${name}`, import.meta.url), 'utf8'));

describe('tool definitions shared with the Python SDK', () => {
  it('are what sdk/src/tools.ts makes of the fixture versions', () => {
    const { versions } = fixture('skill-versions.json') as { versions: Parameters<typeof skillTool>[0][] };
    const expected = fixture('tools.expected.json');
    const tools = versions.filter((v) => v.runnable).map(skillTool);
    expect(tools.length).toBeGreaterThan(5);
    expect(tools.map(toOpenAITool)).toEqual(expected.openai);
    expect(tools.map(toAnthropicTool)).toEqual(expected.anthropic);
    expect(tools.map(toMcpTool)).toEqual(expected.mcp);
    expect(Object.fromEntries(tools.map((t) => [t.name, t.wrapsInput]))).toEqual(expected.wraps_input);
  });
});
