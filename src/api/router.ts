import { OpenAPIHono } from '@hono/zod-openapi';
import { AppError } from '../errors.ts';
import type { AppEnv } from './context.ts';
import { fieldErrors } from './problem.ts';

/** A router whose validation failures become 400 problem+json listing every field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const target = (result as { target?: string }).target ?? 'request';
        const prefix = target === 'json' || target === 'form' ? 'body' : target;
        const errors = fieldErrors(result.error.issues, prefix);
        throw new AppError(
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
