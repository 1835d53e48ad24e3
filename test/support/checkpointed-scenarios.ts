import { notAboutTheGenerator } from './not-about-the-generator.ts';

/**
 * The checkpoint tests' two scenarios, for the CLI and the library alike. `killedPartWay`: a checkpoint every 2 s,
 * two short phases settled (ended, and 1 s for their last requests) well before the third checkpoint, then a long
 * one to be killed in. `finishing`: a checkpoint every second over a 3 s phase that ends.
 */
export const killedPartWay = (baseUrl: string, name: string) => ({
  name,
  target: { baseUrl },
  requests: [{ path: '/' }],
  load: notAboutTheGenerator({ warmup: false, timeout: '1s' }),
  report: { checkpointEvery: '2s' },
  phases: [
    { name: 'first', duration: '1s', rate: 40 },
    { name: 'second', duration: '1s', rate: 40 },
    { name: 'long', duration: '60s', rate: 20 },
  ],
  slos: [{ http_req_failed: ['rate<0.5'] }],
});

export const finishing = (baseUrl: string, name: string) => ({
  name,
  target: { baseUrl },
  requests: [{ path: '/' }],
  load: notAboutTheGenerator({ warmup: false }),
  report: { checkpointEvery: '1s' },
  phases: [{ name: 'only', duration: '3s', rate: 20 }],
  slos: [{ http_req_failed: ['rate<0.5'] }],
});
