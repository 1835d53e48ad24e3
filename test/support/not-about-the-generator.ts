/**
 * The one place a test says "I am not about the generator". ordeal judges its own send lag (load.maxSendLag,
 * 10 ms by default): on a busy 2-core machine a test of breakers, reports or flows would otherwise end with a
 * busy-host warning, or an INCONCLUSIVE verdict, that says nothing about what it tests. Tests that judge the
 * generator itself (test/load, test/verdict/busy-host) keep the default and do not use this.
 */
export const LOOSE_SEND_LAG = { maxSendLag: '1s' } as const;

/** `load` for a test that is not about the generator: the given settings, its send lag judged loosely. */
export function notAboutTheGenerator<const Load extends object>(load?: Load): Load & typeof LOOSE_SEND_LAG {
  return { ...(load ?? ({} as Load)), ...LOOSE_SEND_LAG };
}

/** The same as a YAML flow mapping, for scenarios a test writes as text. */
export function notAboutTheGeneratorYaml(load: Record<string, string | number | boolean> = {}): string {
  return JSON.stringify(notAboutTheGenerator(load));
}
