import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadHtmlAssets } from '../report/html/html-assets.ts';
import type { RunReport } from '../report/run-report.ts';
import type { OperatorControls } from '../run/operator.ts';
import type { RunEvents } from '../events/run-events.ts';
import { describeFault } from '../scenario/fault-schema.ts';
import type { ConfirmGate } from '../run/confirm-gate.ts';
import { liveConsolePage } from './live-console-page.ts';
import { consoleRequestRefusal } from './console-request-guard.ts';
import { renderLiveBody, renderFinalBody, SnapshotPacer } from './live-snapshot.ts';
import { PageFeed } from './page-feed.ts';

export interface LiveConsole {
  url: string;
  /** The page, with its key: the link ordeal prints to its operator (the page and its events need the key). */
  pageUrl: string;
  /** The run's controls, once it has started: the page's skip button and notes, and its live report. */
  attach(controls: OperatorControls): void;
  /** The run's final report: the page becomes it. */
  reportWritten(report: RunReport, htmlFile: string | undefined): Promise<void>;
  stop(): Promise<void>;
}

export interface LiveConsoleOptions {
  /** 0: a free port. */
  port: number;
  /** The abort button: same as SIGINT — load stops, faults are removed, the report is written. */
  onAbort: () => void;
  /** With --confirm-faults: where the confirm button's press goes. */
  confirmGate?: ConfirmGate;
  /** A page that reads slower than this much is queued for it is dropped (it can reconnect and is sent the run so far). */
  maxQueuedBytes?: number;
}

/** What may wait in memory for one page of the console before it is dropped. */
const DEFAULT_MAX_QUEUED_BYTES = 16 * 1024 * 1024;
/** A note's body is a few hundred characters; more is refused before it is read. */
const MAX_NOTE_BODY_BYTES = 4_096;
/** At most this many pages follow a run at once (each holds a connection and a backlog). */
const MAX_PAGES = 8;

/**
 * `ordeal run --ui`: a page on 127.0.0.1 (never another address) that
 * follows the run live over server-sent events — the phases, fault windows
 * as they open and close, the live figures, guard trips, notes, warnings and,
 * every few seconds, the report so far drawn by the report's own renderer
 * (timeline, charts, checks as they settle, guards) — with skip, abort,
 * confirm and notes. When the run ends the page becomes its final report.
 * Only pages it served can press its buttons (a per-run token, the Host and
 * Origin checked): another site open in the same browser cannot.
 */
export async function startLiveConsole(events: RunEvents, options: LiveConsoleOptions): Promise<LiveConsole> {
  const assets = await loadHtmlAssets();
  const state: ConsoleState = {
    token: randomBytes(18).toString('base64url'),
    feed: new PageFeed(options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES),
    finished: false,
    options,
  };
  const { feed } = state;
  followRun(events, feed, options.confirmGate);
  let snapshotFailures = 0;
  // The report so far, while a page watches: paced so that rendering never takes more than a tenth of the time.
  const pacer = new SnapshotPacer(
    async () => {
      if (!state.controls || state.finished || feed.size === 0) return;
      const body = renderLiveBody(await state.controls.snapshot());
      if (!state.finished) feed.snapshot(body);
    },
    (error) => {
      if (snapshotFailures++ === 0)
        feed.publish('warning', { message: `the live report could not be updated (${error.message}); trying again` });
    },
  );
  state.pacer = pacer;
  // What changes the picture is shown at once, not at the next tick.
  for (const name of ['phaseStarted', 'faultApplied', 'faultRemoved', 'guardTripped', 'annotation'] as const)
    events.on(name, () => pacer.wake());
  const page = liveConsolePage(assets, state.token);
  const server = http.createServer((req, res) => answer(req, res, state, page, (server.address() as AddressInfo).port));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    pageUrl: `${url}/?key=${state.token}`,
    attach(given) {
      state.controls = given;
      pacer.start();
    },
    async reportWritten(report, htmlFile) {
      state.finished = true;
      pacer.stop();
      feed.publish('final', { ...renderFinalBody(report), file: htmlFile ?? null });
    },
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        pacer.stop();
        feed.endAll();
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}

interface ConsoleState {
  /** The per-run token: only pages this console served can press its buttons. */
  token: string;
  feed: PageFeed;
  controls?: OperatorControls;
  pacer?: SnapshotPacer;
  finished: boolean;
  options: LiveConsoleOptions;
}

/** What a page is told as the run goes: its structure (replayed to late pages), progress, warnings, confirms. */
function followRun(events: RunEvents, feed: PageFeed, confirmGate: ConfirmGate | undefined): void {
  const publish = (type: string, data: unknown): void => feed.publish(type, data);
  events.on('runStarted', (e) =>
    publish('run', { runId: e.runId, target: e.target, phases: e.timeline.phases.map((p) => p.name) }),
  );
  events.on('phaseStarted', ({ phase }) => publish('phase', { name: phase.name, index: phase.index }));
  events.on('faultApplied', ({ fault }) =>
    publish('fault', { id: fault.id, phase: fault.phase, description: describeFault(fault.fault), open: true }),
  );
  events.on('faultRemoved', ({ fault }) =>
    publish('fault', { id: fault.id, phase: fault.phase, description: describeFault(fault.fault), open: false }),
  );
  events.on('progress', (p) => feed.send('progress', p));
  events.on('guardTripped', ({ trip }) => publish('guard', trip));
  events.on('annotation', ({ note }) => publish('note', note));
  events.on('warning', ({ message }) => publish('warning', { message }));
  events.on('runEnded', ({ report }) => publish('verdict', { verdict: report.verdict, reason: report.verdictReason }));
  confirmGate?.onWaiting(({ phase, timeoutMs }) =>
    publish('confirm', { phase: phase.name, faults: phase.faults.map(describeFault), timeoutMs }),
  );
  confirmGate?.onSettled(({ phase }, confirmed) => publish('confirmed', { phase: phase.name, confirmed }));
}

/** One request to the console: the page, its events, and its buttons (skip, abort, confirm, notes). */
function answer(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  state: ConsoleState,
  page: string,
  port: number,
): void {
  const refusal = consoleRequestRefusal(req, port, state.token);
  if (refusal) {
    res.writeHead(refusal.status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${refusal.reason}\n`);
    return;
  }
  const { feed, controls, options } = state;
  const pathname = new URL(req.url ?? '/', 'http://console').pathname;
  if (req.method === 'GET' && pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
  } else if (req.method === 'GET' && pathname === '/events') {
    if (feed.size >= MAX_PAGES) {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`the live console already serves ${MAX_PAGES} pages; close one\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    // Headers now, not with the first event: a page opened before the run has begun knows it is connected.
    res.flushHeaders();
    feed.add(res, req);
    state.pacer?.wake();
  } else if (req.method === 'POST' && req.url === '/confirm') {
    const confirmed = options.confirmGate?.confirm() ?? false;
    res.writeHead(confirmed ? 202 : 409).end(confirmed ? 'confirmed' : 'nothing to confirm');
  } else if (req.method === 'POST' && req.url === '/skip') {
    const skipped = controls?.skipPhase('skipped from the live console') ?? false;
    res.writeHead(skipped ? 202 : 409).end(skipped ? 'skipping' : 'no phase is running');
  } else if (req.method === 'POST' && req.url === '/abort') {
    feed.publish('warning', {
      message: 'abort pressed in the live console: stopping load, removing faults, writing the report',
    });
    options.onAbort();
    res.writeHead(202).end('aborting');
  } else if (req.method === 'POST' && req.url === '/note') {
    readNote(req)
      .then((text) => {
        if (!state.controls) throw new RangeError('the run has not started yet');
        state.controls.annotate(text, 'console');
        res.writeHead(201).end('noted');
      })
      .catch((error: Error) =>
        res
          .writeHead(error instanceof RangeError ? 400 : 413, { 'content-type': 'text/plain; charset=utf-8' })
          .end(`${error.message}\n`),
      );
  } else res.writeHead(404).end();
}

function readNote(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    // A body too large is read to its end (not kept), so the answer still reaches the sender.
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_NOTE_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (bytes > MAX_NOTE_BODY_BYTES)
        return reject(new Error(`a note's body is at most ${MAX_NOTE_BODY_BYTES} bytes`));
      try {
        resolve((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text?: unknown }).text as string);
      } catch {
        reject(new RangeError('send {"text": "…"}'));
      }
    });
    req.on('error', reject);
  });
}
