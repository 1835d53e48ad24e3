/**
 * Child process for the library checkpoint test: ordeal used as a library (runScenario with reportDir) by a
 * process that will die. argv: the target's URL and the checkpoint folder. Prints "checkpoint <n> written: <file>"
 * for each checkpoint event, as the CLI does, so the test can aim its kill.
 */
import { RunEvents, runScenario } from '../../harness/index.ts';
import { notAboutTheGenerator } from './not-about-the-generator.ts';

const [url, reportDir] = process.argv.slice(2) as [string, string];
const events = new RunEvents().on('checkpoint', ({ count, file }) =>
  process.stdout.write(`checkpoint ${count} written: ${file}\n`),
);
await runScenario(
  {
    name: 'library-checkpointed',
    target: { baseUrl: url },
    requests: [{ path: '/' }],
    load: notAboutTheGenerator({ warmup: false, timeout: '1s' }),
    report: { checkpointEvery: '2s' },
    phases: [
      { name: 'first', duration: '1s', rate: 40 },
      { name: 'second', duration: '1s', rate: 40 },
      { name: 'long', duration: '60s', rate: 20 },
    ],
    slos: [{ http_req_failed: ['rate<0.5'] }],
  },
  { events, reportDir },
);
