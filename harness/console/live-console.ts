import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeFault } from '../scenario/fault-schema.ts';
import type { RunEvents } from '../run/run-events.ts';
import type { PlannedPhase } from '../scenario/timeline.ts';
import { LIVE_CONSOLE_PAGE } from './live-console-page.ts';

export interface LiveConsole {
  url: string;
  /**
   * Holds a phase's faults until an operator presses confirm on the page;
   * false when nobody does within `timeoutMs` (or the run stops meanwhile).
   */
  awaitConfirmation(phase: PlannedPhase, timeoutMs: number, signal: AbortSignal): Promise<boolean>;
  /** Once the report is written: the page offers it (report.html served from here). */
  reportWritten(htmlFile: string | undefined): void;
  stop(): Promise<void>;
}

export interface LiveConsoleOptions {
  /** 0: a free port. */
  port: number;
  /** The abort button: same as SIGINT — load stops, faults are removed, the report is written. */
  onAbort: () => void;
  /** The skip button: the rest of the running phase is skipped (its faults removed), the run goes on. */
  onSkip: () => void;
}

/**
 * `ordeal run --ui`: a page on 127.0.0.1 (never another address) that
 * follows the run live over server-sent events — the current phase, fault
 * windows as they open and close, the live figures, guard trips, warnings,
 * the verdict — with an abort button. When the report is written the page
 * links to it, served from here.
 */
export async function startLiveConsole(events: RunEvents, options: LiveConsoleOptions): Promise<LiveConsole> {
  const clients = new Set<http.ServerResponse>();
  let confirming: ((confirmed: boolean) => void) | undefined;
  const history: string[] = [];
  let reportFile: string | undefined;
  const publish = (type: string, data: unknown): void => {
    const frame = `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
    history.push(frame);
    for (const client of clients) client.write(frame);
  };
  events.on('runStarted', (e) => publish('run', { runId: e.runId, target: e.target, phases: e.timeline.phases.map((p) => p.name) }));
  events.on('phaseStarted', ({ phase }) => publish('phase', { name: phase.name, index: phase.index }));
  events.on('faultApplied', ({ fault }) => publish('fault', { id: fault.id, phase: fault.phase, description: describeFault(fault.fault), open: true }));
  events.on('faultRemoved', ({ fault }) => publish('fault', { id: fault.id, phase: fault.phase, description: describeFault(fault.fault), open: false }));
  events.on('progress', (p) => publish('progress', p));
  events.on('guardTripped', ({ trip }) => publish('guard', trip));
  events.on('warning', ({ message }) => publish('warning', { message }));
  events.on('runEnded', ({ report }) => publish('verdict', { verdict: report.verdict, reason: report.verdictReason }));

  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(LIVE_CONSOLE_PAGE);
    } else if (req.method === 'GET' && req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      // A page opened late sees the whole run so far.
      for (const frame of history) res.write(frame);
      clients.add(res);
      req.on('close', () => clients.delete(res));
    } else if (req.method === 'POST' && req.url === '/confirm') {
      const pending = confirming;
      confirming = undefined;
      pending?.(true);
      res.writeHead(pending ? 202 : 409).end(pending ? 'confirmed' : 'nothing to confirm');
    } else if (req.method === 'POST' && req.url === '/skip') {
      options.onSkip();
      res.writeHead(202).end('skipping');
    } else if (req.method === 'POST' && req.url === '/abort') {
      publish('warning', { message: 'abort pressed in the live console: stopping load, removing faults, writing the report' });
      options.onAbort();
      res.writeHead(202).end('aborting');
    } else if (req.method === 'GET' && req.url === '/report' && reportFile) {
      readFile(reportFile).then((html) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html), () => res.writeHead(404).end());
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    awaitConfirmation(phase, timeoutMs, signal) {
      return new Promise<boolean>((resolve) => {
        const done = (confirmed: boolean): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onStop);
          confirming = undefined;
          publish('confirmed', { phase: phase.name, confirmed });
          resolve(confirmed);
        };
        const onStop = (): void => done(false);
        const timer = setTimeout(() => done(false), timeoutMs);
        signal.addEventListener('abort', onStop, { once: true });
        confirming = done;
        publish('confirm', { phase: phase.name, faults: phase.faults.map(describeFault), timeoutMs });
      });
    },
    reportWritten(htmlFile) {
      reportFile = htmlFile;
      publish('report', { url: htmlFile ? '/report' : null });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
