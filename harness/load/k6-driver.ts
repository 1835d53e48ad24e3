import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Clock } from '../clock/clock.ts';
import { systemClock } from '../clock/clock.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import { describeK6Exit, K6PointReader } from '../k6/k6-ndjson.ts';
import { renderK6Script } from '../k6/k6-script.ts';
import type { PhaseRecorder } from '../metrics/phase-recorder.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { LoadDriver, LoadTarget, PhaseLoad } from './load-driver.ts';

const STOP_GRACE_MS = 5_000;
const START_TIMEOUT_MS = 30_000;

/** The k6 binary: $K6_BINARY, else `k6` on PATH; undefined when there is none. */
export function findK6Binary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.K6_BINARY) return existsSync(env.K6_BINARY) ? env.K6_BINARY : undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'k6');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Load from k6, as a child process running the scenario's exported script
 * (one k6 scenario per phase, tagged by phase). Its NDJSON output goes
 * through a named pipe and is read live into the same per-second recorder, so
 * faults, probes and verdicts work unchanged. k6 keeps its own clock: its
 * phases start when its scenarios do (ordeal starts its phase clock at k6's
 * first sample).
 */
export class K6Driver implements LoadDriver {
  readonly name = 'k6';
  readonly model: 'open' | 'closed';
  private child?: ChildProcess;
  private dir?: string;
  private scriptFile?: string;
  private pipe?: string;
  private reader?: K6PointReader;
  private exited?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private firstSample?: Promise<void>;
  private aborted = false;
  private output = '';

  constructor(
    private readonly scenario: Scenario,
    private readonly options: { timeScale?: number; binary?: string; clock?: Clock } = {},
  ) {
    this.model = scenario.load.model;
  }

  async prepare(target: LoadTarget): Promise<void> {
    if (this.scriptFile) return;
    const binary = this.options.binary ?? findK6Binary();
    if (!binary)
      throw new OrdealError(
        'ORDEAL_ERR_LOAD',
        'load.driver "k6" needs a k6 binary: set K6_BINARY, or put k6 on PATH (or use driver "ordeal")',
      );
    this.dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-k6-'));
    this.scriptFile = path.join(this.dir, 'script.ts');
    await writeFile(
      this.scriptFile,
      renderK6Script(this.scenario, { baseUrl: target.baseUrl.origin, timeScale: this.options.timeScale }),
    );
    this.pipe = path.join(this.dir, 'points.ndjson');
    const made = spawnSync('mkfifo', [this.pipe]);
    if (made.status !== 0)
      throw new OrdealError(
        'ORDEAL_ERR_LOAD',
        `could not create a named pipe for k6's output: ${made.stderr?.toString() ?? made.error?.message}`,
      );
    this.options.binary ??= binary;
  }

  private start(recorder: PhaseRecorder, signal: AbortSignal): Promise<void> {
    this.reader = new K6PointReader(recorder);
    const child = spawn(this.options.binary!, ['run', '--quiet', '--out', `json=${this.pipe}`, this.scriptFile!], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4_000)));
    child.stderr!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4_000)));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, exitSignal) => resolve({ code, signal: exitSignal })),
    );
    signal.addEventListener('abort', () => this.stop(), { once: true });
    const lines = createInterface({ input: createReadStream(this.pipe!) });
    this.firstSample = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new OrdealError(
              'ORDEAL_ERR_LOAD',
              `k6 sent no sample within ${START_TIMEOUT_MS} ms: ${this.output.trim() || '(no output)'}`,
            ),
          ),
        START_TIMEOUT_MS,
      );
      lines.on('line', (line) => {
        this.reader!.line(line);
        if (this.reader!.points > 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      void this.exited!.then(() => (clearTimeout(timer), resolve()));
    });
    return this.firstSample;
  }

  async runPhase(load: PhaseLoad, recorder: PhaseRecorder, signal: AbortSignal): Promise<void> {
    const clock = this.options.clock ?? systemClock;
    if (!this.child) await this.start(recorder, signal);
    const ended = this.exited!.then(() => undefined);
    await Promise.race([clock.sleep(load.phase.durationMs, signal), ended]);
  }

  private stop(): void {
    if (!this.child || this.child.exitCode !== null) return;
    this.aborted = true;
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), STOP_GRACE_MS);
    void this.exited!.then(() => clearTimeout(timer));
  }

  async close(): Promise<void> {
    try {
      if (!this.child) return;
      const { code, signal } = await this.exited!;
      const exit = describeK6Exit(code, signal);
      if (
        exit.outcome === 'config' ||
        (exit.outcome === 'failed' && !this.aborted) ||
        (exit.outcome === 'aborted' && !this.aborted)
      ) {
        throw new OrdealError('ORDEAL_ERR_LOAD', `${exit.message}: ${this.output.trim() || '(no output)'}`);
      }
    } finally {
      if (this.dir) await rm(this.dir, { recursive: true, force: true });
    }
  }
}
