/**
 * `@open-skills/sdk`: the typed REST client (`createOpenSkillsClient`, generated from the server's OpenAPI
 * document), `SkillRouter` (search, tool definitions, the `<available_skills>` prompt, routing tool calls to runs)
 * and `SkillExecutor` (runs with files, event streams, artifacts).
 */
export { createOpenSkillsClient, type OpenSkillsClient, type OpenSkillsClientOptions } from './client.ts';
export { OpenSkillsError, type Problem } from './errors.ts';
export {
  type Artifact,
  type DownloadedArtifact,
  type LogLine,
  type Run,
  type RunEvent,
  type RunFileContent,
  type RunOptions,
  SkillExecutor,
  type StreamOptions,
} from './executor.ts';
export {
  DEFAULT_MIN_CONFIDENCE,
  outcomeOf,
  type RouteCallOptions,
  type SearchHit,
  type SearchOptions,
  SkillRouter,
  type ToolsOptions,
} from './router.ts';
export type { components, operations, paths } from './schema.ts';
export type * from './tool-calls.ts';
export { TOOL_NAME_PATTERN, toolNameFor } from './tool-names.ts';
export {
  type AiSdkTool,
  type AiSdkToolSet,
  type AnthropicTool,
  type JsonSchema,
  type McpTool,
  type OpenAITool,
  type SkillTool,
  type ToolFormat,
  type ToolInputSchema,
  type ToolInputStandardSchema,
  toolInputSchema,
} from './tools.ts';
export { artifactFileChunk, type UiMessageChunk } from './ui-message-stream.ts';
