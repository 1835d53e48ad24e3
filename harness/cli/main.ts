import { processIo } from './cli-io.ts';
import { runCli } from './program.ts';

// The one place that sets the process's exit code.
process.exitCode = await runCli(process.argv.slice(2), processIo);
