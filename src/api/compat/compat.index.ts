/**
 * The vendor-compatible Skills APIs: Anthropic's at /compat/anthropic/v1 and OpenAI's at /compat/openai/v1. Each
 * router answers its own errors; errors raised before a router is reached (body limits, unknown paths) are given
 * to the same vendor handler by `compatErrorsFor`.
 */
import type { ErrorHandler, NotFoundHandler } from 'hono';
import type { AppRouter } from '../router.ts';
import { anthropicRouter } from './anthropic/anthropic.index.ts';
import { anthropicErrors, openaiErrors } from './errors.ts';
import { openaiRouter } from './openai/openai.index.ts';
import { ANTHROPIC_BASE, OPENAI_BASE } from './shared.ts';

export { compatBodyLimits } from './shared.ts';

const VENDORS = [
  { base: ANTHROPIC_BASE, router: anthropicRouter, errors: anthropicErrors },
  { base: OPENAI_BASE, router: openaiRouter, errors: openaiErrors },
];

/** Mounts both APIs; call before the app's bearer auth, which they replace with their own. */
export function mountCompat(app: AppRouter) {
  for (const { base, router } of VENDORS) app.route(base, router);
}

/** The vendor whose tree (`/compat/anthropic`, any version) a path is in. */
const vendorOf = (path: string) =>
  VENDORS.find(({ base }) => {
    const root = base.slice(0, base.lastIndexOf('/'));
    return path === root || path.startsWith(`${root}/`);
  });

/** The error and not-found handlers of the vendor API a path belongs to, else the given (problem+json) ones. */
export function compatErrorsFor(fallback: { onError: ErrorHandler; onNotFound: NotFoundHandler }) {
  return {
    onError: ((error, c) => (vendorOf(c.req.path)?.errors ?? fallback).onError(error, c)) as ErrorHandler,
    onNotFound: ((c) => (vendorOf(c.req.path)?.errors ?? fallback).onNotFound(c)) as NotFoundHandler,
  };
}
