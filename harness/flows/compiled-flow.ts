import type { PreparedRequest } from './request-mix.ts';
import type { Template } from './template.ts';

/** How a capture takes its value out of a response. */
export type CompiledCapture =
  | { variable: string; from: 'json'; path: (string | number)[]; source: string }
  | { variable: string; from: 'header'; header: string; source: string }
  | { variable: string; from: 'regex'; regex: string; group: number; source: string };

/**
 * One request of a flow, compiled once at load: its templates as parts, its
 * captures and its expected statuses. Plain data: it crosses into workers.
 */
export interface CompiledStep {
  name: string;
  method: PreparedRequest['method'];
  path: Template;
  headers: [string, Template][];
  body?: Template;
  captures: CompiledCapture[];
  /** Statuses that count as success; absent: any status below 400. */
  expectStatus?: number[];
  /** Nothing to fill in and nothing to capture: the same request every time (its bytes are built once). */
  fixed?: PreparedRequest;
}

export interface CompiledFlow {
  name: string;
  weight: number;
  steps: CompiledStep[];
  /** Closed model: pause between steps and before the next iteration (ms, uniform in [min, max]). */
  thinkTime?: { minMs: number; maxMs: number };
  /** A plain request of `requests`: reported per request name, no flow total. */
  plain: boolean;
}

/** Rows of request data and how they are handed out. */
export interface DataRows {
  file: string;
  order: 'sequential' | 'random' | 'unique';
  columns: string[];
  rows: Record<string, string>[];
}

/** Everything the load needs beyond the scenario: compiled flows, data, the environment values they use, and what is secret. */
export interface FlowInputs {
  flows: CompiledFlow[];
  setup?: CompiledStep[];
  data?: DataRows;
  /** Only the environment variables the templates name. */
  env: Record<string, string>;
  /** Values that must never appear in any output (env values not declared public, Authorization/Cookie values). */
  secrets: string[];
}
