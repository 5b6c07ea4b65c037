import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.ts';
import { formatBytes } from '../skills/limits.ts';

/** Small JSON bodies (members, tokens): a role, a name, a number of days. */
export const SMALL_JSON_BYTES = 16 * 1024;

/**
 * Refuses a request body past `maxBytes` with a 413 problem, before it is read whole.
 *
 * @example
 * tokensRouter.use('/tokens', limitBody(SMALL_JSON_BYTES));
 */
export const limitBody = (maxBytes: number) =>
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError('payload_too_large', `The request body is larger than ${formatBytes(maxBytes)}`);
    },
  });
