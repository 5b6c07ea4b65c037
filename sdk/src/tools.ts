/**
 * Tool definitions for skills, in the shapes each agent runtime takes: OpenAI Chat Completions `tools`, Anthropic
 * Messages `tools`, MCP `tools/list` entries and an AI SDK tool set. Pure functions: `SkillRouter` fetches the
 * skills and calls these.
 */
import type { components } from './schema.ts';
import { toolNameFor } from './tool-names.ts';

type IoField = components['schemas']['IoField'];

/** A JSON Schema (draft 2020-12 / 07 subset the providers read). */
export type JsonSchema = { [key: string]: unknown };

/** The object schema of a tool's arguments (every provider wants an object at the top). */
export interface ToolInputSchema {
  type: 'object';
  properties: { [name: string]: JsonSchema };
  required?: string[];
  [key: string]: unknown;
}

/** One runnable skill as a tool, before it is put in a provider's shape. */
export interface SkillTool {
  /** Matches `^[a-zA-Z0-9_-]{1,64}$`; the same for the same skill every time (see `toolNameFor`). */
  name: string;
  skill: string;
  /** The version described (and run by `routeCall`). */
  version: string;
  description: string;
  inputSchema: ToolInputSchema;
  /**
   * True when the skill's own input is not an object (its `input_schema` is, say, a string): the tool then takes
   * `{ input: ... }` and `routeCall` passes the value of `input` to the skill.
   */
  wrapsInput: boolean;
}

export interface OpenAITool {
  type: 'function';
  function: { name: string; description: string; parameters: ToolInputSchema };
}

export interface AnthropicTool {
  name: string;
  description: string;
  input_schema: ToolInputSchema;
}

export interface McpTool {
  name: string;
  description: string;
  inputSchema: ToolInputSchema;
}

/** The Standard Schema + Standard JSON Schema interfaces (standardschema.dev), which the AI SDK accepts as a tool's `inputSchema`. */
export interface ToolInputStandardSchema {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) =>
      | { readonly value: Record<string, unknown>; readonly issues?: undefined }
      | { readonly issues: ReadonlyArray<{ readonly message: string }> };
    readonly jsonSchema: {
      readonly input: (options: { readonly target: string }) => Record<string, unknown>;
      readonly output: (options: { readonly target: string }) => Record<string, unknown>;
    };
  };
}

/** An AI SDK tool (what `tool({...})` returns): `generateText({ tools })` takes a record of these as it is. */
export interface AiSdkTool {
  description: string;
  inputSchema: ToolInputStandardSchema;
  execute: (
    input: Record<string, unknown>,
    options: { toolCallId: string; abortSignal?: AbortSignal },
  ) => Promise<unknown>;
}

export type AiSdkToolSet = Record<string, AiSdkTool>;

export type ToolFormat = 'openai' | 'anthropic' | 'ai-sdk' | 'mcp';

const TYPES: Record<Exclude<IoField['type'], 'file'>, string> = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  object: 'object',
  array: 'array',
};

function fieldSchema(field: IoField): JsonSchema {
  if (field.type === 'file') {
    const what = `the name of a file sent with the run${field.mime ? ` (${field.mime})` : ''}`;
    return { type: 'string', description: field.description ? `${field.description}: ${what}` : `File: ${what}` };
  }
  return { type: TYPES[field.type], ...(field.description ? { description: field.description } : {}) };
}

/**
 * The tool's argument schema from what a version declares: its `input_schema` when it has one (wrapped in
 * `{ input }` when it does not describe an object), else one property per declared input.
 */
export function toolInputSchema(declared: {
  inputs: IoField[] | null;
  input_schema?: Record<string, unknown> | null;
}): { schema: ToolInputSchema; wraps: boolean } {
  const own = declared.input_schema;
  if (own) {
    if (own['type'] === 'object') {
      return { schema: { properties: {}, ...own, type: 'object' } as ToolInputSchema, wraps: false };
    }
    return { schema: { type: 'object', properties: { input: own }, required: ['input'] }, wraps: true };
  }
  const fields = declared.inputs ?? [];
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return {
    schema: {
      type: 'object',
      properties: Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])),
      ...(required.length ? { required } : {}),
    },
    wraps: false,
  };
}

/** A skill version (level 2) as a `SkillTool`. */
export function skillTool(version: components['schemas']['SkillVersion']): SkillTool {
  const { schema, wraps } = toolInputSchema(version);
  return {
    name: toolNameFor(version.name),
    skill: version.name,
    version: version.version,
    description: version.description,
    inputSchema: schema,
    wrapsInput: wraps,
  };
}

export const toOpenAITool = (t: SkillTool): OpenAITool => ({
  type: 'function',
  function: { name: t.name, description: t.description, parameters: t.inputSchema },
});

export const toAnthropicTool = (t: SkillTool): AnthropicTool => ({
  name: t.name,
  description: t.description,
  input_schema: t.inputSchema,
});

export const toMcpTool = (t: SkillTool): McpTool => ({
  name: t.name,
  description: t.description,
  inputSchema: t.inputSchema,
});

/** The tool's schema as a Standard Schema with its JSON Schema: objects pass, anything else is an issue. */
export function standardSchemaOf(schema: ToolInputSchema): ToolInputStandardSchema {
  return {
    '~standard': {
      version: 1,
      vendor: 'open-skills',
      validate: (value) =>
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? { value: value as Record<string, unknown> }
          : { issues: [{ message: 'tool input must be a JSON object' }] },
      jsonSchema: { input: () => schema, output: () => schema },
    },
  };
}
