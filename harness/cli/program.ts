import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isOrdealError } from '../errors/ordeal-error.ts';
import { ORDEAL_VERSION } from '../report/version.ts';
import type { CliIo } from './cli-io.ts';
import type { PlanCommandOptions } from './plan-command.ts';
import { positiveDurationMs } from '../notation/duration.ts';
// Each command imports what it needs when it runs: `ordeal --help` loads commander and little else.

function parseTimeScale(text: string): number {
  const value = Number(text);
  if (!(value > 0 && value <= 1))
    throw new InvalidArgumentError(
      `"${text}" is not a factor in (0, 1] (e.g. 0.25 runs every phase at a quarter of its length)`,
    );
  return value;
}

function parsePercent(text: string): number {
  const value = Number(text);
  if (!(value >= 0 && value <= 1_000))
    throw new InvalidArgumentError(`"${text}" is not a percentage from 0 to 1000 (e.g. 10)`);
  return value;
}

/** A duration flag, read by the rule of the scenario's own duration fields (without zod: `--help` stays light). */
function parseWait(text: string): number {
  const ms = positiveDurationMs(text);
  if (ms === undefined) throw new InvalidArgumentError(`"${text}" is not a duration (e.g. 2m, 90s)`);
  return ms;
}

function parsePort(text: string): number {
  const value = Number(text);
  if (!(Number.isInteger(value) && value >= 0 && value <= 65_535))
    throw new InvalidArgumentError(`"${text}" is not a port from 0 to 65535`);
  return value;
}

function parsePositiveInt(text: string): number {
  const value = Number(text);
  if (!(Number.isInteger(value) && value >= 1 && value <= 10_000))
    throw new InvalidArgumentError(`"${text}" is not a whole number from 1 to 10000`);
  return value;
}

function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command()
    .name('ordeal')
    .description(
      'Load and chaos for the stress window: peak load, Toxiproxy faults, per-phase SLO verdicts, one report.',
    )
    .version(ORDEAL_VERSION)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .addHelpText(
      'after',
      '\nExamples:\n  ordeal plan scenarios/game-day.ts   # dry run: the timeline, nothing sent\n  ordeal run scenarios/game-day.ts    # the bundled game day, report in reports/\n  ordeal cleanup --toxiproxy http://127.0.0.1:8474   # remove faults left by dead runs\n\nExit codes (also report.json exitCode): 0 pass, 1 a check failed, 2 invalid scenario or usage (nothing sent), 3 harness or infrastructure failure, 4 aborted (a guard or an operator stopped the run), 5 inconclusive (evidence missing), 130/143/129 interrupted by SIGINT/SIGTERM/SIGHUP.' +
        '\n\nFiles a run writes: <report-dir>/<run-id>/report.json, summary.md, report.html and junit.xml, and the run index <report-dir>/index.html (`ordeal report` rewrites the same).' +
        '\n\nEnvironment:' +
        '\n  NO_COLOR           no colour (https://no-color.org); FORCE_COLOR=1 colours anyway (a CI log)' +
        '\n  CI                 plain progress lines instead of the live line' +
        "\n  ORDEAL_STATE_DIR   fault leases and the watchdog's log (default <tmpdir>/ordeal)" +
        '\n  ORDEAL_CACHE_DIR   the toxiproxy-server ordeal builds (default $XDG_CACHE_HOME/ordeal, else ~/.cache/ordeal)' +
        '\n  ORDEAL_TOXIPROXY_SERVER, ORDEAL_PROMETHEUS_DIR   a toxiproxy-server binary, a folder holding prometheus' +
        '\n  GITHUB_STEP_SUMMARY  summary.md is appended to it (GitHub Actions sets it)' +
        '\n  K6_BINARY          the k6 binary for load.driver "k6" (default: k6 on PATH)',
    );
  addRunCommand(program, io, setExitCode);
  addPlanCommand(program, io);
  addReportCommands(program, io, setExitCode);
  addExportCommands(program, io, setExitCode);
  addCapacityCommand(program, io, setExitCode);
  return program;
}

function parsePositiveNumber(text: string): number {
  const value = Number(text);
  if (!(value > 0 && value <= 1_000_000))
    throw new InvalidArgumentError(`"${text}" is not a number above 0 (e.g. 200)`);
  return value;
}

function addCapacityCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('capacity')
    .description(
      'find the highest arrival rate at which every SLO of a phase holds: steps up x1.5, bisects to 5 %, confirms; each step a run of its own (settle, then a judged hold)',
    )
    .argument('<scenario>', 'scenario file (.ts, .js, .json, .yaml)')
    .option('--phase <name>', 'the phase whose SLOs must hold (default: the highest-rate one)')
    .option(
      '--start-rate <req/s>',
      "the first rate tried (default: half the phase's planned peak)",
      parsePositiveNumber,
    )
    .option('--max-rate <req/s>', 'never above this (default and at most: limits.maxRatePerSec)', parsePositiveNumber)
    .option('--settle <duration>', 'each step, not judged for this long first (default 5s)', parseWait)
    .option('--hold <duration>', 'then judged for this long (default 10s)', parseWait)
    .option('--cooldown <duration>', 'between steps, this long at the start rate (default 5s)', parseWait)
    .option(
      '--budget <duration>',
      'the whole search stops before a step that would end past this (default 30m)',
      parseWait,
    )
    .option(
      '--precision <share>',
      'bisect until the failing and the held rate are within this share of each other (default 0.05: 5 %)',
      parsePositiveNumber,
    )
    .option(
      '--require-headroom <factor>',
      'exit 1 unless the rate that held is at least this many times the planned peak (e.g. 1.5)',
      parsePositiveNumber,
    )
    .option(
      '--n-minus-1 <phase>',
      "then the same search with that phase's faults held through every step (a dependency slow or down), reported beside",
    )
    .option('--report-dir <dir>', 'where capacity-<id>/capacity.json and capacity.md go', 'reports')
    .option('--allow-non-loopback', 'confirm an allowlisted target that is not on loopback')
    .action(async (file: string, options) => {
      const { capacityCommand } = await import('./capacity-command.ts');
      setExitCode(await capacityCommand(file, options, io));
    });
}

function addRunCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('run')
    .description('run a scenario and write reports/<run-id>/report.json and summary.md')
    .argument('<scenario>', 'scenario file (.ts, .js, .json, .yaml)')
    .option('--report-dir <dir>', 'where run folders are written', 'reports')
    .option('--json', 'print report.json to stdout instead of the summary table')
    .option('--time-scale <factor>', 'run every phase at this fraction of its length (smoke runs)', parseTimeScale)
    .option('--target <url>', 'override target.baseUrl')
    .option('--toxiproxy <url>', 'use the Toxiproxy server at this URL')
    .addOption(
      new Option(
        '--toxiproxy-provider <provider>',
        'how to start a Toxiproxy when none is named: binary (toxiproxy-server), container (testcontainers), auto',
      )
        .choices(['auto', 'binary', 'container'])
        .default('auto'),
    )
    .option('--prometheus <url>', "read the service's signals from the Prometheus at this URL")
    .option('--allow-non-loopback', 'confirm an allowlisted target that is not on loopback')
    .option(
      '--baseline <report.json|folder|URL>',
      "compare with this run: a report.json, a run folder, a report folder (its latest passing run of this scenario) or a report.json's URL (allowlisted); default: the previous passing run of the same scenario in --report-dir",
    )
    .option('--no-compare', 'do not compare with an earlier run')
    .option('--tolerance <percent>', 'a p95/p99 rise up to this much is never a regression (default 10)', parsePercent)
    .option('--fail-on-regression', 'exit 1 when a comparison finds a regression, even if every check passed')
    .option(
      '--metrics-port <port>',
      "serve ordeal's own metrics at http://127.0.0.1:<port>/metrics during the run (0: any free port)",
      parsePort,
    )
    .option('--pushgateway <url>', "push the run's summary to this Prometheus Pushgateway at the end")
    .option(
      '--remote-write <url>',
      "push ordeal's own metrics to this Prometheus remote-write receiver while the run goes (e.g. http://127.0.0.1:9090/api/v1/write; needs npm install prometheus-remote-write)",
    )
    .option('--remote-write-interval <duration>', 'how often to push with --remote-write (default 5s)', parseWait)
    .option(
      '--ui [port]',
      'serve a live console on http://127.0.0.1:<port>/ (default: any free port): the report as it grows, with skip, abort, confirm and notes',
      parsePort,
    )
    .option(
      '--confirm-faults [duration]',
      "before each fault phase, wait until an operator confirms (the live console's button, or c in the terminal); not confirmed in time (default 5m): the run aborts",
      parseWait,
    )
    .action(async (scenario: string, options) => {
      const { runCommand } = await import('./run-command.ts');
      setExitCode(await runCommand(scenario, options, io));
    });
}

function addPlanCommand(program: Command, io: CliIo): void {
  program
    .command('plan')
    .description('dry run: validate the scenario and print its timeline; sends no load and no fault')
    .argument('<scenario>', 'scenario file (.ts, .js, .json, .yaml)')
    .option('--time-scale <factor>', 'show the timeline compressed by this factor', parseTimeScale)
    .option('--target <url>', 'check this target instead of target.baseUrl')
    .option('--toxiproxy <url>', 'check this Toxiproxy instead of toxiproxy.url')
    .option('--prometheus <url>', 'check this Prometheus instead of prometheus.url')
    .option('--allow-non-loopback', 'confirm an allowlisted target that is not on loopback')
    .option(
      '--offline',
      'check the scenario and its addresses only, not that the target, Toxiproxy and Prometheus answer (e.g. before the stack is started)',
    )
    .action(async (file: string, options: PlanCommandOptions) => {
      const { planCommand } = await import('./plan-command.ts');
      await planCommand(file, options, io);
    });
}

/** report (re-render), cleanup (faults of dead runs) and schema (for editors): commands about what a run left. */
function addReportCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('report')
    .description(
      're-render report.html, junit.xml and summary.md (and the run index) from a report.json; a checkpoint left by a run that died becomes its final report (interrupted)',
    )
    .argument('<report.json|run folder>', 'a reports/<run-id>/report.json, or the reports/<run-id> folder')
    .option(
      '--baseline <report.json|folder|URL>',
      'compare with this run (as for run); default: the comparison stored in the report, else the previous passing run',
    )
    .option('--no-compare', 'drop any comparison')
    .action(async (file: string, options: { baseline?: string; compare?: boolean }) => {
      const { reportCommand } = await import('./report-command.ts');
      setExitCode(await reportCommand(file, options, io));
    });
  program
    .command('cleanup')
    .description(
      'undo what ordeal runs that are no longer alive left behind: faults in Toxiproxy (toxics, downed proxies), paused processes, paused or stopped containers, restart commands not yet run, disk fills',
    )
    .option('--toxiproxy <url>', 'the Toxiproxy to clean (default: every Toxiproxy named in the leases of dead runs)')
    .option('--all', 'also remove the faults of runs that are still alive')
    .action(async (options: { toxiproxy?: string; all?: boolean }) => {
      const { cleanupCommand } = await import('./cleanup-command.ts');
      setExitCode(await cleanupCommand(options, io));
    });
  program
    .command('schema')
    .description(
      'print the JSON Schema of the scenario format, every field described (for editors: see the README, "Editor help")',
    )
    .action(async () => {
      const { scenarioJsonSchema } = await import('../scenario/scenario-json-schema.ts');
      io.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });
}

function addExportCommands(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const exporter = program
    .command('export')
    .description('write the load model of a scenario for another engine; sends nothing');
  exporter
    .command('k6')
    .description(
      'a k6 script in TypeScript: one k6 scenario per phase, a phase tag on every request, the SLOs as tag-filtered thresholds',
    )
    .argument('<scenario>', 'scenario file (.ts, .js, .json, .yaml)')
    .option('--out <file>', 'write here instead of stdout')
    .option('--base-url <url>', 'default for __ENV.BASE_URL (default: target.baseUrl)')
    .option('--time-scale <factor>', 'compress every phase by this factor', parseTimeScale)
    .action(async (file: string, options) =>
      setExitCode(await (await import('./export-command.ts')).exportCommand('k6', file, options, io)),
    );
  exporter
    .command('k6-operator')
    .description('a ConfigMap with the k6 script and a k6-operator TestRun (k6.io/v1alpha1) that runs it on N pods')
    .argument('<scenario>', 'scenario file (.ts, .js, .json, .yaml)')
    .requiredOption('--parallelism <n>', 'number of k6 runner pods', parsePositiveInt)
    .option('--out <file>', 'write here instead of stdout')
    .option('--base-url <url>', "the target as the pods see it (the runner's BASE_URL)")
    .option('--name <name>', 'name of the ConfigMap and TestRun (default ordeal-<scenario>)')
    .option('--namespace <namespace>', 'Kubernetes namespace')
    .action(async (file: string, options) =>
      setExitCode(await (await import('./export-command.ts')).exportCommand('k6-operator', file, options, io)),
    );
}

/**
 * Runs the CLI on `argv` (without node and the script) and returns the exit
 * code; never exits the process and never throws, so it can be called many
 * times in one process (the fuzz tests do).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = createProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (isOrdealError(error)) {
      io.stderr.write(`ordeal: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`ordeal: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return 3;
  }
}
