import { z } from 'zod';
import { scenarioSchema } from './scenario-schema.ts';

/**
 * The scenario format as JSON Schema (draft 2020-12), what a user may write
 * (defaults optional), every property described: editors show it on hover and
 * complete from it (YAML: a `# yaml-language-server: $schema=…` line; JSON:
 * a "$schema" key). Generated from the zod schema ordeal validates with, so
 * the two cannot drift; scenarios/ordeal.schema.json is this, committed.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    title: 'ordeal scenario',
    description:
      'A load-and-chaos run: the requests, the phases (load levels, faults), the SLOs judged per phase, checks on the service\'s own signals, and guards that stop the run. See the README\'s "Scenarios" section.',
  };
}
