import type http from 'node:http';

/** Warnings a late page is sent (a long run may say the same thing every second). */
const MAX_REPLAYED_WARNINGS = 200;

/**
 * The live console's pages and what they are sent (server-sent events). A page opened late is sent the run's
 * structure so far, the last warnings and the last snapshot. A page that stops reading (a frozen tab, a stalled
 * client) must not make ordeal hold the run's snapshots for it: each page's backlog is bounded by
 * `maxQueuedBytes`, and all of them together by twice that (the slowest page is dropped first).
 */
export class PageFeed {
  private readonly pages = new Set<http.ServerResponse>();
  private readonly history: string[] = [];
  private readonly recentWarnings: string[] = [];
  private lastSnapshot?: string;

  constructor(private readonly maxQueuedBytes: number) {}

  get size(): number {
    return this.pages.size;
  }

  /** An event every page is sent now, and a page opened later too (warnings: only the last ones). */
  publish(type: string, data: unknown): void {
    const text = frame(type, data);
    if (type !== 'warning') this.history.push(text);
    else if (this.recentWarnings.push(text) > MAX_REPLAYED_WARNINGS) this.recentWarnings.shift();
    this.broadcast(text);
  }

  /** An event for the pages open now only (progress: the next one replaces it). */
  send(type: string, data: unknown): void {
    this.broadcast(frame(type, data));
  }

  /** The report so far: sent now, and first to a page opened later. */
  snapshot(body: unknown): void {
    this.lastSnapshot = frame('snapshot', body);
    this.broadcast(this.lastSnapshot);
  }

  /** A page that asked for the events: it is sent the run so far, then follows it until it closes. */
  add(page: http.ServerResponse, closed: http.IncomingMessage): void {
    for (const text of [...this.history, ...this.recentWarnings]) page.write(text);
    if (this.lastSnapshot) page.write(this.lastSnapshot);
    this.pages.add(page);
    closed.on('close', () => this.pages.delete(page));
  }

  endAll(): void {
    for (const page of this.pages) page.end();
  }

  private broadcast(text: string): void {
    let total = 0;
    for (const page of this.pages) total += page.writableLength;
    for (const page of [...this.pages].sort((a, b) => b.writableLength - a.writableLength)) {
      if (page.writableLength > this.maxQueuedBytes || total > this.maxQueuedBytes * 2) {
        total -= page.writableLength;
        this.pages.delete(page);
        page.destroy();
      } else page.write(text);
    }
  }
}

function frame(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}
