/**
 * Child process for the library checkpoint test: ordeal used as a library (runScenario with reportDir) by a
 * process that will die. argv: the target's URL and the checkpoint folder. Prints "checkpoint <n> written: <file>"
 * for each checkpoint event, as the CLI does, so the test can aim its kill.
 */
import { RunEvents, runScenario } from '../../harness/index.ts';
import { killedPartWay } from './checkpointed-scenarios.ts';

const [url, reportDir] = process.argv.slice(2) as [string, string];
const events = new RunEvents().on('checkpoint', ({ count, file }) =>
  process.stdout.write(`checkpoint ${count} written: ${file}\n`),
);
await runScenario(killedPartWay(url, 'library-checkpointed'), { events, reportDir });
