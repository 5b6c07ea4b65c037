/**
 * Tool calls as each runtime hands them over, and the tool results it takes back. `readToolCall` recognises the
 * format; `toolResult` answers in the same one.
 */
import type { components } from './schema.ts';

export type JsonValue = null | string | number | boolean | JsonValue[] | { [key: string]: JsonValue };

/** OpenAI Chat Completions: an entry of `message.tool_calls` (function tools; custom tools carry JSON text). */
export type OpenAIToolCall =
  | { id: string; type: 'function'; function: { name: string; arguments: string } }
  | { id: string; type: 'custom'; custom: { name: string; input: string } };
/** The `role: "tool"` message that answers it. */
export interface OpenAIToolMessage {
  role: 'tool';
  tool_call_id: string;
  content: string;
}

/** Anthropic Messages: a `tool_use` content block. */
export interface AnthropicToolUse {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}
/** The `tool_result` content block that answers it (goes in the next user message). */
export interface AnthropicToolResult {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}

/** MCP: the params of a `tools/call` request. */
export interface McpToolCall {
  name: string;
  arguments?: Record<string, unknown>;
}
/** MCP `CallToolResult`. */
export interface McpToolResult {
  content: { type: 'text'; text: string }[];
  structuredContent?: { [key: string]: unknown };
  isError?: boolean;
}

/** AI SDK: an entry of `result.toolCalls`. */
export interface AiSdkToolCall {
  type: 'tool-call';
  toolCallId: string;
  toolName: string;
  input: unknown;
}
/** The `tool-result` part of a `role: "tool"` model message. */
export interface AiSdkToolResult {
  type: 'tool-result';
  toolCallId: string;
  toolName: string;
  output: { type: 'json'; value: JsonValue } | { type: 'error-text'; value: string };
}

export type ToolCall = OpenAIToolCall | AnthropicToolUse | McpToolCall | AiSdkToolCall;

/** How a call ended: the result the model reads, or why it failed. */
export type ToolOutcome =
  | {
      ok: true;
      result: { run_id: string; output: unknown; artifacts: unknown[] };
      artifacts: components['schemas']['Artifact'][];
    }
  | { ok: false; message: string };

type Format = 'openai' | 'anthropic' | 'mcp' | 'ai-sdk';
export interface ReadCall {
  format: Format;
  id: string;
  name: string;
}

function formatOf(call: ToolCall): Format {
  if ('function' in call || 'custom' in call) return 'openai';
  if ('type' in call && call.type === 'tool_use') return 'anthropic';
  if ('type' in call && call.type === 'tool-call') return 'ai-sdk';
  return 'mcp';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The call's tool name and arguments, or (with the call, to answer) why they cannot be read. */
export function readToolCall(
  call: ToolCall,
): { call: ReadCall; name: string; input: Record<string, unknown> } | { call: ReadCall; error: string } {
  const format = formatOf(call);
  let id = '';
  let name: string;
  let raw: unknown;
  if ('function' in call) [id, name, raw] = [call.id, call.function.name, call.function.arguments];
  else if ('custom' in call) [id, name, raw] = [call.id, call.custom.name, call.custom.input];
  else if ('toolCallId' in call) [id, name, raw] = [call.toolCallId, call.toolName, call.input];
  else if ('id' in call) [id, name, raw] = [call.id, call.name, call.input];
  else [name, raw] = [call.name, call.arguments ?? {}];
  const read = { format, id, name };
  if (typeof raw === 'string') {
    try {
      raw = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      return { call: read, error: `The arguments of "${name}" are not valid JSON` };
    }
  }
  if (!isObject(raw)) return { call: read, error: `The arguments of "${name}" must be a JSON object` };
  return { call: read, name, input: raw };
}

/** The tool result for `call`, in its format. */
export function toolResult(call: ReadCall, outcome: ToolOutcome): unknown {
  const text = outcome.ok ? JSON.stringify(outcome.result) : outcome.message;
  switch (call.format) {
    case 'openai':
      return { role: 'tool', tool_call_id: call.id, content: text } satisfies OpenAIToolMessage;
    case 'anthropic':
      return {
        type: 'tool_result',
        tool_use_id: call.id,
        content: text,
        ...(outcome.ok ? {} : { is_error: true }),
      } satisfies AnthropicToolResult;
    case 'mcp':
      return (
        outcome.ok
          ? { content: [{ type: 'text', text }], structuredContent: outcome.result }
          : { content: [{ type: 'text', text }], isError: true }
      ) satisfies McpToolResult;
    case 'ai-sdk':
      return {
        type: 'tool-result',
        toolCallId: call.id,
        toolName: call.name,
        output: outcome.ok
          ? { type: 'json', value: JSON.parse(text) as JsonValue }
          : { type: 'error-text', value: outcome.message },
      } satisfies AiSdkToolResult;
  }
}
