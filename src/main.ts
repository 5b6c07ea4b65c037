import './node-check.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError } from './db/pglite.ts';
import { startServer } from './server.ts';

try {
  const server = await startServer(loadConfig());
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`open-skills: ${signal} received, shutting down\n`);
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    process.stderr.write(`open-skills: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
