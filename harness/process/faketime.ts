import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OrdealError } from '../errors/ordeal-error.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';

/**
 * Where Debian's libfaketime keeps its multithreaded build (Node runs several threads): `$ORDEAL_LIBFAKETIME`,
 * else the package's path for this machine's architecture.
 */
const CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/faketime/libfaketimeMT.so.1',
];

/** The libfaketime to preload, or an error saying how to install it (exit 2: before anything starts). */
export function libfaketimePath(env: NodeJS.ProcessEnv = process.env): string {
  const given = env['ORDEAL_LIBFAKETIME'];
  const found = given !== undefined ? (existsSync(given) ? given : undefined) : CANDIDATES.find(existsSync);
  if (found) return found;
  throw new OrdealError(
    'ORDEAL_ERR_SCENARIO',
    `a clock_skew fault needs libfaketime${given !== undefined ? ` (ORDEAL_LIBFAKETIME=${given} is not a file)` : ''}: apt-get install libfaketime (Debian, Ubuntu), or set ORDEAL_LIBFAKETIME to its libfaketimeMT.so.1`,
  );
}

/**
 * The wall clock of processes ordeal starts, settable while they run: each is started with libfaketime preloaded,
 * reading its offset from a file of ordeal's (re-read at every clock call: FAKETIME_NO_CACHE) and leaving the
 * monotonic clock alone (FAKETIME_DONT_FAKE_MONOTONIC), so its timers and intervals are untouched and only what
 * it reads as the time of day moves. The files live in a private folder of the run (0700), written by rename.
 */
export class SkewableClocks {
  private constructor(
    private readonly directory: string,
    private readonly library: string,
  ) {}

  /** A folder of offset files for this run (needs libfaketime: else the error that says how to get it). */
  static async create(runId: string): Promise<SkewableClocks> {
    const library = libfaketimePath();
    const directory = await mkdtemp(path.join(os.tmpdir(), `ordeal-${runId}-clocks-`));
    return new SkewableClocks(directory, library);
  }

  private fileOf(name: string): string {
    return path.join(this.directory, `${name.replace(/[^A-Za-z0-9_-]/g, '_')}.faketime`);
  }

  /** The environment that starts process `name` under libfaketime, its clock at offset 0 until `set`. */
  async envFor(name: string): Promise<NodeJS.ProcessEnv> {
    await this.set(name, 0);
    return {
      LD_PRELOAD: this.library,
      FAKETIME_TIMESTAMP_FILE: this.fileOf(name),
      FAKETIME_NO_CACHE: '1',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    };
  }

  /** Sets `name`'s wall clock `offsetSec` ahead (negative: behind); 0 puts it back. Seen at its next clock call. */
  async set(name: string, offsetSec: number): Promise<void> {
    await writeFileAtomic(this.fileOf(name), `${offsetSec >= 0 ? '+' : '-'}${Math.abs(offsetSec)}\n`);
  }

  /** Removes the offset files (after the processes that read them have stopped). */
  async remove(): Promise<void> {
    await rm(this.directory, { recursive: true, force: true });
  }
}
