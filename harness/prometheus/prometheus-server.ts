import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Clock } from '../clock/clock.ts';
import { systemClock } from '../clock/clock.ts';
import { waitUntil } from '../clock/wait-until.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import { findFreePort } from '../net/free-port.ts';
import { OutputTail } from '../process/output-tail.ts';
import { stopChild } from '../process/stop-child.ts';
import { findPrometheus } from './prometheus-binary.ts';

export interface ScrapeTarget {
  job: string;
  /** host:port on loopback */
  target: string;
  metricsPath?: string;
}

/** A Prometheus ordeal started on 127.0.0.1 with a temporary TSDB; stopping it deletes the TSDB. */
export class StartedPrometheusServer implements AsyncDisposable {
  constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
    await rm(this.dir, { recursive: true, force: true });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

export class PrometheusServer {
  private targets: ScrapeTarget[] = [];
  private rules?: string;
  private intervalSec = 1;
  private onSpawn?: (pid: number | undefined) => void;
  private remoteWriteReceiver = false;

  constructor(private readonly clock: Clock = systemClock) {}

  withScrapeTargets(targets: ScrapeTarget[]): this {
    this.targets = targets;
    return this;
  }

  /** Alerting rules as YAML text (a Prometheus rule file). */
  withRules(rulesYaml: string): this {
    this.rules = rulesYaml;
    return this;
  }

  /** Hears the server's pid as soon as it is spawned (before it answers), so a watchdog can stop it if ordeal dies meanwhile. */
  withOnSpawn(onSpawn: (pid: number | undefined) => void): this {
    this.onSpawn = onSpawn;
    return this;
  }

  /** Accepts remote write at /api/v1/write (--web.enable-remote-write-receiver). */
  withRemoteWriteReceiver(): this {
    this.remoteWriteReceiver = true;
    return this;
  }

  withScrapeIntervalSec(seconds: number): this {
    this.intervalSec = seconds;
    return this;
  }

  async start(): Promise<StartedPrometheusServer> {
    const binary = await findPrometheus();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-prometheus-'));
    const port = await findFreePort();
    const config = {
      global: {
        scrape_interval: `${this.intervalSec}s`,
        evaluation_interval: `${this.intervalSec}s`,
        scrape_timeout: `${this.intervalSec}s`,
      },
      rule_files: this.rules ? [path.join(dir, 'rules.yml')] : [],
      scrape_configs: this.targets.map((t) => ({
        job_name: t.job,
        metrics_path: t.metricsPath ?? '/metrics',
        static_configs: [{ targets: [t.target] }],
      })),
    };
    if (this.rules) await writeFile(path.join(dir, 'rules.yml'), this.rules);
    await writeFile(path.join(dir, 'prometheus.yml'), stringify(config));
    const output = new OutputTail();
    const child = spawn(
      binary,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=1d',
        '--log.level=warn',
        ...(this.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    this.onSpawn?.(child.pid);
    output.follow(child.stdout);
    output.follow(child.stderr);
    const started = new StartedPrometheusServer(`http://127.0.0.1:${port}`, child, dir);
    try {
      await waitUntil(
        async () => {
          if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
          return (await fetch(`${started.url}/-/ready`)).ok;
        },
        { timeoutMs: 15_000, intervalMs: 100, clock: this.clock },
      );
      return started;
    } catch (cause) {
      await started.stop();
      throw new OrdealError(
        'ORDEAL_ERR_PROMETHEUS',
        `Prometheus did not become ready on ${started.url}: ${output.text() || '(no output)'}`,
        { cause },
      );
    }
  }
}
