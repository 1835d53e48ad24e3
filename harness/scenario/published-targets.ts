/** The service's published targets (its monitoring plan): the bundled scenarios' defaults. */
export const PUBLISHED_TARGETS = {
  latencyP95Ms: 500,
  latencyP99Ms: 1_000,
  errorRate: 0.01,
} as const;

export const PUBLISHED_SLO = {
  http_req_duration: [`p(95)<${PUBLISHED_TARGETS.latencyP95Ms}`, `p(99)<${PUBLISHED_TARGETS.latencyP99Ms}`],
  http_req_failed: [`rate<${PUBLISHED_TARGETS.errorRate}`],
};
