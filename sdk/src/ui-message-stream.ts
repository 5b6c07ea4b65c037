/**
 * The chunks of the AI SDK UI message stream protocol that a run maps to (`GET /runs/{id}/events?format=ui-message-stream`):
 * `start`, `tool-input-available`, `data-log` per log line, `data-child` per composed run, `file` per artifact,
 * `tool-output-available` or `tool-output-error`, `finish`. The `ai` package's readers accept them as they are.
 */
import type { components } from './schema.ts';

type Artifact = components['schemas']['Artifact'];

export type UiMessageChunk =
  | { type: 'start'; messageId?: string }
  | { type: 'tool-input-available'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'data-log'; data: components['schemas']['LogLine'] }
  | { type: 'data-child'; data: { id: string; skill: string | null; status: string } }
  | { type: 'file'; url: string; mediaType: string }
  | { type: 'tool-output-available'; toolCallId: string; output: unknown }
  | { type: 'tool-output-error'; toolCallId: string; errorText: string }
  | { type: 'finish'; finishReason?: 'stop' | 'error'; messageMetadata?: unknown };

/** The `file` chunk of an artifact: its absolute download URL (under `baseUrl`) and media type. */
export function artifactFileChunk(
  baseUrl: string,
  artifact: Pick<Artifact, 'url' | 'mime_type'>,
): UiMessageChunk & {
  type: 'file';
} {
  // Artifact URLs are paths under the API's root, which may itself sit under a path prefix.
  const url = artifact.url.startsWith('/') ? `${baseUrl.replace(/\/+$/, '')}${artifact.url}` : artifact.url;
  return { type: 'file', url, mediaType: artifact.mime_type };
}
