import path from 'node:path';
import { readRegularFile, type UnreadableFileError } from '../files/read-regular-file.ts';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { OrdealError } from '../errors/ordeal-error.ts';
import { RUNS_COMPILED } from '../process/module-entry.ts';
import type { Scenario } from './scenario-schema.ts';
import { validateScenario } from './validate-scenario.ts';

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);
const TYPESCRIPT = new Set(['.ts', '.mts']);
let tsxRegistered = false;

/** A TypeScript scenario runs through tsx, loaded only then (a built ordeal starts without it). */
async function registerTsx(): Promise<void> {
  if (tsxRegistered || !RUNS_COMPILED) return;
  tsxRegistered = true;
  const { register } = await import('tsx/esm/api');
  register();
}

/** A scenario file is text a person wrote: a larger one is not a scenario. */
const MAX_SCENARIO_BYTES = 16 * 1024 * 1024;

async function readRawScenario(filePath: string): Promise<unknown> {
  const extension = path.extname(filePath).toLowerCase();
  if (MODULE_EXTENSIONS.has(extension)) {
    if (TYPESCRIPT.has(extension)) await registerTsx();
    const module = (await import(pathToFileURL(path.resolve(filePath)).href)) as { default?: unknown };
    if (module.default === undefined) {
      throw new OrdealError(
        'ORDEAL_ERR_SCENARIO',
        `${filePath}: has no default export (end the file with \`export default defineScenario({ ... })\`)`,
      );
    }
    return module.default;
  }
  const text = await readRegularFile(filePath, MAX_SCENARIO_BYTES).catch((cause: UnreadableFileError) => {
    // Not there, or not readable: said below as before. A FIFO, a device, a folder or a huge file: said here.
    if (cause.reason === 'unreadable') throw cause.cause;
    throw new OrdealError(
      'ORDEAL_ERR_USAGE',
      `${filePath}: ${cause.message} (give a scenario file: .ts, .js, .json, .yaml or .yml)`,
      { cause },
    );
  });
  if (extension === '.json') return JSON.parse(text);
  if (extension === '.yaml' || extension === '.yml') return parseYaml(text);
  throw new OrdealError(
    'ORDEAL_ERR_USAGE',
    `${filePath}: "${extension || '(no extension)'}" is not a scenario format (use .ts, .js, .json, .yaml or .yml)`,
  );
}

/** Reads a scenario file (TypeScript, JavaScript, JSON or YAML) and validates it. Sends nothing. */
export async function loadScenario(filePath: string): Promise<Scenario> {
  let raw: unknown;
  try {
    raw = await readRawScenario(filePath);
  } catch (error) {
    if (error instanceof OrdealError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ERR_MODULE_NOT_FOUND') {
      throw new OrdealError(
        'ORDEAL_ERR_USAGE',
        `${filePath}: no such scenario file (check the path; bundled ones are in scenarios/)`,
        { cause: error },
      );
    }
    throw new OrdealError(
      'ORDEAL_ERR_SCENARIO',
      `${filePath}: cannot be read as a scenario: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return validateScenario(raw, filePath);
}
