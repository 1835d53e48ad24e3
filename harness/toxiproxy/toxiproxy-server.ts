import { spawn, type ChildProcess } from 'node:child_process';
import { Toxiproxy } from 'toxiproxy-node-client';
import type { Clock } from '../clock/clock.ts';
import { systemClock } from '../clock/clock.ts';
import { waitUntil } from '../clock/wait-until.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import { findFreePort } from '../net/free-port.ts';
import { OutputTail } from '../process/output-tail.ts';
import { stopChild } from '../process/stop-child.ts';
import { ensureToxiproxyServer } from './toxiproxy-binary.ts';

/** A toxiproxy-server process ordeal started on 127.0.0.1; stopping it removes every proxy it held. */
export class StartedToxiproxyServer implements AsyncDisposable {
  readonly client: Toxiproxy;

  constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {
    this.client = new Toxiproxy(url);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

export class ToxiproxyServer {
  private binaryPath?: string;
  private port?: number;
  private startTimeoutMs = 10_000;
  private onSpawn?: (pid: number | undefined) => void;

  constructor(private readonly clock: Clock = systemClock) {}

  withBinary(binaryPath: string): this {
    this.binaryPath = binaryPath;
    return this;
  }

  withPort(port: number): this {
    this.port = port;
    return this;
  }

  /** Hears the server's pid as soon as it is spawned (before it answers), so a watchdog can stop it if ordeal dies meanwhile. */
  withOnSpawn(onSpawn: (pid: number | undefined) => void): this {
    this.onSpawn = onSpawn;
    return this;
  }

  withStartTimeout(timeoutMs: number): this {
    this.startTimeoutMs = timeoutMs;
    return this;
  }

  async start(): Promise<StartedToxiproxyServer> {
    const binary = this.binaryPath ?? (await ensureToxiproxyServer()).path;
    const port = this.port ?? (await findFreePort());
    const output = new OutputTail();
    // Own process group: a terminal's Ctrl-C reaches ordeal, which removes faults before stopping this server.
    const child = spawn(binary, ['-host', '127.0.0.1', '-port', String(port), '-proxy-metrics'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    this.onSpawn?.(child.pid);
    output.follow(child.stdout);
    output.follow(child.stderr);
    const started = new StartedToxiproxyServer(`http://127.0.0.1:${port}`, child);
    try {
      await this.waitUntilAnswering(started, child, output);
      return started;
    } catch (error) {
      await started.stop();
      throw error;
    }
  }

  private async waitUntilAnswering(
    started: StartedToxiproxyServer,
    child: ChildProcess,
    output: OutputTail,
  ): Promise<void> {
    let spawnError: Error | undefined;
    child.once('error', (error) => (spawnError = error));
    const exited = (): OrdealError =>
      new OrdealError(
        'ORDEAL_ERR_TOXIPROXY',
        `toxiproxy-server exited during start-up${spawnError ? ` (${spawnError.message})` : ` with code ${child.exitCode}`}: ${output.text() || '(no output)'}`,
        { cause: spawnError },
      );
    try {
      await waitUntil(
        async () => {
          if (spawnError || child.exitCode !== null) throw exited();
          await started.client.getVersion();
          return true;
        },
        { timeoutMs: this.startTimeoutMs, intervalMs: 50, clock: this.clock },
      );
    } catch (error) {
      if (spawnError || child.exitCode !== null) throw exited();
      throw new OrdealError(
        'ORDEAL_ERR_TOXIPROXY',
        `toxiproxy-server did not answer on ${started.url} within ${this.startTimeoutMs}ms: ${output.text() || '(no output)'}`,
        { cause: error },
      );
    }
  }
}
