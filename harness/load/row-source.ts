import type { DataRows } from '../flows/compiled-flow.ts';

/**
 * One worker's way through the data rows. The rows are dealt out across
 * workers (row i to worker i mod n), so "sequential" and "unique" hold across
 * the whole run, not per worker; "random" draws from all of them.
 */
export class RowSource {
  private readonly mine: Record<string, string>[];
  private next = 0;

  constructor(
    private readonly data: DataRows,
    workerIndex: number,
    workerCount: number,
    private readonly random: () => number = Math.random,
  ) {
    const dealt = data.rows.filter((_, i) => i % workerCount === workerIndex);
    // Fewer rows than workers: a worker without a row of its own shares them all (not for unique: none is left for it).
    this.mine = dealt.length > 0 || data.order === 'unique' ? dealt : data.rows;
  }

  /** The next row, or undefined when "unique" has used every row it was dealt. */
  take(): Record<string, string> | undefined {
    if (this.data.order === 'random') return this.data.rows[Math.floor(this.random() * this.data.rows.length)];
    if (this.data.order === 'unique') return this.mine[this.next++];
    const row = this.mine[this.next % this.mine.length];
    this.next += 1;
    return row;
  }

  get exhausted(): boolean {
    return this.data.order === 'unique' && this.next >= this.mine.length;
  }
}
