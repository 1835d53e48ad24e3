import type { CheckScene } from '../checks/check-kind.ts';

/** The part of a scenario its health checks see: the standard paths and the named probes. */
interface HealthFields {
  health?:
    | {
        paths?: Record<string, string> | undefined;
        probes: Record<string, { url: string; status?: number | number[] | undefined; body?: string | undefined }>;
      }
    | undefined;
}

/** The part of a scenario its restart checks see: each phase's faults. */
interface PhaseFields {
  phases: readonly { name: string; faults?: readonly { kind: string; process?: string | undefined }[] | undefined }[];
}

/** What check kinds may know of the scenario around them (the probes there are, what each does, what is killed). */
export function checkScene(scenario: HealthFields & PhaseFields): CheckScene {
  const probes = scenario.health?.probes ?? {};
  return {
    probes: ['live', 'ready', 'startup', ...Object.keys(probes)],
    killsIn: (phase) =>
      (scenario.phases.find((p) => p.name === phase)?.faults ?? [])
        .filter((f) => f.kind === 'kill' && f.process !== undefined)
        .map((f) => f.process!),
    describeProbe(probe) {
      const named = probes[probe];
      if (named)
        return `GET ${named.url}${named.status !== undefined ? ` (status ${[named.status].flat().join('/')})` : ''}${named.body ? ` (body contains "${named.body}")` : ''} answers`;
      return `GET ${scenario.health?.paths?.[probe] ?? `/health/${probe}`} answers 2xx/3xx`;
    },
  };
}
