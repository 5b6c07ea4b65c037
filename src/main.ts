import './node-check.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './db/pglite.ts';
import { serveUntilStopped } from './server-process.ts';

try {
  await serveUntilStopped(loadConfig());
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    process.stderr.write(`open-skills: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
