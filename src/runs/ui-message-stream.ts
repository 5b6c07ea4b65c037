/**
 * A run as an AI SDK UI message stream (https://ai-sdk.dev/docs/ai-sdk-ui/stream-protocol): the run is one tool
 * call of one assistant message. `start`, `tool-input-available` (the run's input), a `data-log` part per log
 * line, a `data-child` part per composed run, a `file` part per artifact, then `tool-output-available` or
 * `tool-output-error`, and `finish`. The chunk shapes are the SDK's (`sdk/src/ui-message-stream.ts`), so the
 * server and the client speak one definition.
 */

import { toolNameFor } from '../../sdk/src/tool-names.ts';
import { artifactFileChunk, type UiMessageChunk } from '../../sdk/src/ui-message-stream.ts';
import type { RunEvent } from './events.ts';
import type { RunDto } from './schemas.ts';

export type { UiMessageChunk };

/** The chunks of one run event. */
function chunksOf(event: RunEvent, runId: string, baseUrl: string): UiMessageChunk[] {
  switch (event.event) {
    case 'status':
      return [];
    case 'log':
      return [{ type: 'data-log', data: event.data }];
    case 'child':
      return [{ type: 'data-child', data: event.data }];
    case 'artifact':
      return [artifactFileChunk(baseUrl, event.data)];
    case 'done': {
      const run = event.data;
      const metadata = { run_id: run.id, status: run.status, duration_ms: run.duration_ms, usage: run.usage };
      if (run.status === 'succeeded') {
        return [
          { type: 'tool-output-available', toolCallId: runId, output: run.output ?? null },
          { type: 'finish', finishReason: 'stop', messageMetadata: metadata },
        ];
      }
      const errorText = run.error ? `${run.error.type}: ${run.error.message}` : `run ${run.status}`;
      return [
        { type: 'tool-output-error', toolCallId: runId, errorText },
        { type: 'finish', finishReason: 'error', messageMetadata: metadata },
      ];
    }
  }
}

/**
 * The UI message stream chunks of `run` from its events (`events` ends with `done`). `baseUrl` makes artifact
 * URLs absolute. The message id and the tool call id are the run's id; the tool name is the SDK's tool name of
 * the skill.
 */
export async function* uiMessageChunks(
  run: Pick<RunDto, 'id' | 'skill' | 'input'>,
  events: AsyncIterable<RunEvent>,
  baseUrl: string,
): AsyncGenerator<UiMessageChunk> {
  yield { type: 'start', messageId: run.id };
  yield {
    type: 'tool-input-available',
    toolCallId: run.id,
    toolName: toolNameFor(run.skill ?? 'run'),
    input: run.input ?? {},
  };
  for await (const event of events) {
    yield* chunksOf(event, run.id, baseUrl);
    if (event.event === 'done') return;
  }
}
