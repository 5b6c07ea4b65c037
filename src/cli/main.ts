import { ConfigError, loadConfig } from '../config.ts';
import { DataDirLockedError } from '../db/pglite.ts';
import { startServer } from '../server.ts';

const USAGE = `open-skills <command>

Commands:
  serve        start the server (same as npm start)
  help         show this help
`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case 'serve': {
      const server = await startServer(loadConfig());
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
      return await new Promise<number>(() => {});
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`open-skills: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    process.stderr.write(`open-skills: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
