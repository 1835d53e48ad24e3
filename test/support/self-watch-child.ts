// A process that watches itself (SelfWatch every 300 ms) for `argv[2]` ms and prints what describeSelf makes of it:
// the test pauses it (SIGSTOP) or blocks it from outside and reads the line.
import { setTimeout as sleep } from 'node:timers/promises';
import { describeSelf } from '../../harness/report/self-health.ts';
import { SelfWatch } from '../../harness/run/self-watch.ts';

const forMs = Number(process.argv[2]);
const blockMs = Number(process.argv[3] ?? 0);
const watch = new SelfWatch(300);
watch.start();
console.log('watching');
await sleep(400);
const until = performance.now() + blockMs;
while (performance.now() < until) void 0;
await sleep(forMs);
const self = watch.stop().map((s) => ({
  at: new Date(s.atMs).toISOString(),
  rssMb: 1,
  heapMb: 1,
  loopLagP99Ms: s.loopDelayP99Ms,
  gcMs: 0,
  ...(s.cpuMs === undefined ? {} : { cpuMs: s.cpuMs }),
}));
// "json": the samples' lags (ms) on a line of their own, for a test that counts them.
if (process.argv[4] === 'json') console.log(JSON.stringify(self.map((s) => s.loopLagP99Ms)));
console.log(describeSelf({ self, durationMs: forMs }));
