import type { Caller } from '../auth/caller.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import type { Registry } from '../skills/registry.ts';
import type { Logger } from '../telemetry/logger.ts';

/** Infrastructure the app is built from. Tests pass real parts (an embedded database, a temp folder, ...). */
export interface AppDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  tokens: TokenService;
  /** Address clients reach the server at; defaults to the request's origin. */
  publicUrl?: string;
}

/** Services built once from the dependencies and shared by all handlers. */
export interface AppServices {
  registry: Registry;
}

/** Everything handlers reach through `c.var`. */
export interface AppVariables {
  requestId: string;
  logger: Logger;
  caller: Caller;
  deps: AppDeps;
  services: AppServices;
}

export interface AppEnv {
  Variables: AppVariables;
}
