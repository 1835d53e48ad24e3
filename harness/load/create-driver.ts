import type { Clock } from '../clock/clock.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { AutocannonDriver } from './autocannon-driver.ts';
import type { LoadDriver } from './load-driver.ts';
import { ThreadedDriver } from './threaded-driver.ts';

/** The load driver a scenario asks for (`load.driver`, `load.model`). */
export function createDriver(scenario: Scenario, clock: Clock): LoadDriver {
  if (scenario.load.driver === 'autocannon') return new AutocannonDriver(clock);
  return new ThreadedDriver({ model: scenario.load.model, workers: scenario.load.workers, maxInFlight: scenario.load.maxInFlight });
}
