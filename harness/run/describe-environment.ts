import os from 'node:os';
import { ORDEAL_VERSION } from '../report/version.ts';

/** Where the run ran: read here, at the end of the run, so that building the report stays pure. */
export function describeEnvironment(): {
  ordeal: string;
  node: string;
  platform: string;
  cpus: number;
  hostname: string;
  maxRssBytes: number;
} {
  return {
    ordeal: ORDEAL_VERSION,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    hostname: os.hostname(),
    maxRssBytes: process.resourceUsage().maxRSS * 1_024,
  };
}
