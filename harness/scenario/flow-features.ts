interface TrafficShape {
  requests: readonly { path: string; headers?: Record<string, string>; body?: unknown; expect?: unknown }[];
  flows: readonly unknown[];
  setup?: unknown;
  data?: unknown;
}

/** Whether a scenario needs the flow engine: flows, setup, data, or a request with a template or an expectation. */
export function usesFlowFeatures(scenario: TrafficShape): boolean {
  const templated = (r: TrafficShape['requests'][number]): boolean =>
    r.expect !== undefined || /\{\{/.test(JSON.stringify([r.path, r.headers ?? {}, r.body ?? '']));
  return (
    scenario.flows.length > 0 ||
    scenario.setup !== undefined ||
    scenario.data !== undefined ||
    scenario.requests.some(templated)
  );
}
