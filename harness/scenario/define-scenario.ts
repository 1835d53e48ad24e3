import type { ScenarioInput } from './scenario-schema.ts';

/**
 * Types a scenario written in TypeScript. It returns its input unchanged:
 * validation happens when ordeal loads the file, the same for TS, JSON and YAML.
 */
export function defineScenario<const T extends ScenarioInput>(scenario: T): T {
  return scenario;
}
