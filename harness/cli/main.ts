import { processIo } from './cli-io.ts';
import { runCli } from './program.ts';

/** A reader that went away (`ordeal schema | head -1`): not an error. ordeal stops writing there and finishes what it does (a run still removes its faults and writes its report). */
const GONE_READER = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (!GONE_READER.has(error.code ?? '')) throw error;
  });
}

// The one place that sets the process's exit code.
process.exitCode = await runCli(process.argv.slice(2), processIo);
