import type { Readable } from 'node:stream';

/** Keeps the last lines a child printed (for error messages) and drains the pipe so it never blocks. */
export class OutputTail {
  private lines: string[] = [];

  constructor(private readonly maxLines = 20) {}

  follow(stream: Readable | null | undefined): void {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      this.lines.push(...chunk.split('\n').filter((line) => line.trim() !== ''));
      if (this.lines.length > this.maxLines) this.lines = this.lines.slice(-this.maxLines);
    });
  }

  text(): string {
    return this.lines.join('\n');
  }
}
