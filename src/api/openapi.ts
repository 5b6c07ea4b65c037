import { createApp, OPENAPI_CONFIG } from './app.ts';
import type { AppDeps } from './context.ts';

/**
 * The OpenAPI document, built from the app's own routes. Routes only touch their dependencies while handling a
 * request, so the document can be produced without a database; any access would be a bug and says so.
 */
export function buildOpenApiDocument() {
  const noDeps = new Proxy({} as AppDeps, {
    get: (_target, name) => {
      if (name === 'tokens') return { verify: unavailable, issue: unavailable };
      // Read while the app is built (body limit, addresses); the defaults serve the document.
      if (name === 'maxBodyBytes' || name === 'publicUrl' || name === 'publicSkillsOrg') return undefined;
      return unavailable();
    },
  });
  return createApp(noDeps).getOpenAPI31Document(OPENAPI_CONFIG);
}

function unavailable(): never {
  throw new Error('buildOpenApiDocument: dependencies are not available while generating the document');
}
