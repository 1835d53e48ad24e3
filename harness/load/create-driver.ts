import type { Clock } from '../clock/clock.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { AutocannonDriver } from './autocannon-driver.ts';
import { K6Driver } from './k6-driver.ts';
import type { LoadDriver } from './load-driver.ts';
import { ThreadedDriver } from './threaded-driver.ts';

/** The load driver a scenario asks for (`load.driver`, `load.model`). */
export function createDriver(scenario: Scenario, clock: Clock, timeScale = 1): LoadDriver {
  if (scenario.load.driver === 'autocannon') return new AutocannonDriver(clock);
  if (scenario.load.driver === 'k6') return new K6Driver(scenario, { timeScale, clock });
  return new ThreadedDriver({
    model: scenario.load.model,
    workers: scenario.load.workers,
    maxInFlight: scenario.load.maxInFlight,
    maxRatePerSec: scenario.limits.maxRatePerSec,
  });
}
