// Entry of the `open-skills` bin (bin/open-skills.js imports this file); the commands are in cli.ts.
import '../node-check.ts';
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
