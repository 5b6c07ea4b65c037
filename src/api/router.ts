import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './context.ts';
import { ApiError, fieldErrors } from './errors.ts';

/** A router whose validation failures become 400 problem+json listing every field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const target = (result as { target?: string }).target ?? 'request';
        const prefix = target === 'json' || target === 'form' ? 'body' : target;
        const errors = fieldErrors(result.error.issues, prefix);
        throw new ApiError(
          'invalid_request',
          `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}`,
          {
            errors,
          },
        );
      }
    },
  });
}

export type AppRouter = ReturnType<typeof createRouter>;
