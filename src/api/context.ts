import type { Caller } from '../auth/caller.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../telemetry/logger.ts';

/** Infrastructure the app is built from. Tests pass real parts (an embedded database, a temp folder, ...). */
export interface AppDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  tokens: TokenService;
}

/** Everything handlers reach through `c.var`. */
export interface AppVariables {
  requestId: string;
  logger: Logger;
  caller: Caller;
  deps: AppDeps;
}

export interface AppEnv {
  Variables: AppVariables;
}
