import { withBundledStackReads } from '../providers/bundled-stack/bundled-check-reads.ts';
import type { CliIo } from './cli-io.ts';

export interface PlanCommandOptions {
  timeScale?: number;
  target?: string;
  toxiproxy?: string;
  prometheus?: string;
  allowNonLoopback?: boolean;
  offline?: boolean;
}

/** `ordeal plan`: the dry run. Validates the scenario and prints its timeline and warnings, then checks what it will reach; sends no load and no fault. */
export async function planCommand(file: string, options: PlanCommandOptions, io: CliIo): Promise<void> {
  const [
    { loadScenario },
    { prepareFlowInputs },
    { buildTimeline },
    { checkPlanAddresses, preflight },
    { scenarioWarnings },
    { renderPlan },
    { redactUrlsIn },
  ] = await Promise.all([
    import('../scenario/load-scenario.ts'),
    import('../flows/flow-inputs.ts'),
    import('../scenario/timeline.ts'),
    import('../run/preflight.ts'),
    import('../scenario/scenario-warnings.ts'),
    import('./render-plan.ts'),
    import('../net/redact-url.ts'),
  ]);
  // The bundled stack's provider fills in its own metric names (plan prints every read).
  const scenario = withBundledStackReads(await loadScenario(file));
  const overrides = {
    targetUrl: options.target,
    toxiproxyUrl: options.toxiproxy,
    prometheusUrl: options.prometheus,
    allowNonLoopback: options.allowNonLoopback,
  };
  // A bad address is the first thing said, not something found after the whole timeline.
  await checkPlanAddresses(scenario, overrides);
  // Templates, data and environment too: a missing variable or column is exit 2 here as in a run.
  const inputs = await prepareFlowInputs(scenario, { scenarioFile: file });
  // Credentials in a URL the scenario names (target, Toxiproxy, Prometheus) are never printed, here as in a run.
  io.stdout.write(`${redactUrlsIn(renderPlan(scenario, buildTimeline(scenario, options.timeScale), inputs))}\n`);
  const warnings = scenarioWarnings(scenario);
  if (warnings.length > 0) io.stdout.write(`\nwarnings:\n${warnings.map((line) => `  ${line}`).join('\n')}\n`);
  if (options.offline) {
    const unchecked = [
      scenario.stack ? undefined : 'the target listening',
      scenario.toxiproxy?.url || options.toxiproxy ? 'Toxiproxy answering, its proxies and their upstreams' : undefined,
      scenario.prometheus?.url || options.prometheus ? 'Prometheus answering' : undefined,
    ].filter(Boolean);
    io.stdout.write(
      `\ninfrastructure: not checked (--offline)${unchecked.length ? `: ${unchecked.join('; ')}` : ''}; \`ordeal run\` checks them before any load\n`,
    );
    return;
  }
  const findings = await preflight(scenario, overrides);
  if (findings.length > 0)
    io.stdout.write(`\ninfrastructure:\n${findings.map((line) => `  ${redactUrlsIn(line)}`).join('\n')}\n`);
}
