import { z } from 'zod';
import { zeroOrDurationSchema as zeroOrDuration } from '../notation/duration-schema.ts';

/** A variable a capture fills: later steps use it as {{ name }}. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const variableName = z
  .string()
  .regex(VARIABLE_NAME, { error: 'is not a variable name (letters, digits and _, not starting with a digit)' });

/** One way of taking a value out of a response. */
export const captureSchema = z.union([
  z
    .strictObject({
      json: z.string().min(1).describe('A path into the JSON body: "token", "$.data.id", "items[0].id".'),
    })
    .describe('From the JSON body.'),
  z
    .strictObject({ header: z.string().min(1).describe('A response header name (any case), e.g. "location".') })
    .describe('From a response header.'),
  z
    .strictObject({
      regex: z
        .string()
        .min(1)
        .refine(
          (text) => {
            try {
              new RegExp(text);
              return true;
            } catch {
              return false;
            }
          },
          { error: 'is not a regular expression' },
        )
        .describe('A regular expression run on the body, e.g. "id=(\\\\d+)".'),
      group: z.int().min(0).default(1).describe('Which group is the value (default 1; 0: the whole match).'),
    })
    .describe('From the body, by regular expression.'),
]);

const statusCode = z.int().min(100).max(599);

/** What a flow step may carry beyond a request. */
export const stepExtras = {
  capture: z
    .record(variableName, captureSchema)
    .optional()
    .describe(
      'Values to take from the response into variables for later steps of the same iteration ({{ name }}). A capture that finds nothing fails the step (error kind "capture") and skips the rest of the iteration.',
    ),
  expect: z
    .strictObject({
      status: z
        .union([statusCode, z.array(statusCode).min(1)])
        .describe('The status (or statuses) that count as success, e.g. [200, 202].'),
    })
    .optional()
    .describe(
      'What counts as success for this step; any other status is error kind "unexpected_status". Default: any status below 400.',
    ),
};

export const thinkTimeSchema = z
  .union([
    zeroOrDuration.describe('A fixed pause, e.g. "500ms".'),
    z
      .strictObject({
        min: zeroOrDuration.describe('Shortest pause.'),
        max: zeroOrDuration.describe('Longest pause (uniformly between).'),
      })
      .describe('A random pause in a range.'),
  ])
  .describe('Closed model: a pause between steps (and before the next iteration), like a user reading the page.');

export const dataSchema = z
  .strictObject({
    file: z
      .string()
      .min(1)
      .describe(
        'A CSV file with a header row, or a JSON file holding an array of objects; relative to the scenario file.',
      ),
    order: z
      .enum(['sequential', 'random', 'unique'])
      .default('sequential')
      .describe(
        '"sequential": rows in order, round and round; "random": any row each time; "unique": each row at most once, and a phase that runs out ends with a clear reason.',
      ),
  })
  .describe('Rows of request data ({{ data.column }}): one row per flow iteration (per request for plain requests).');

export const envSchema = z
  .strictObject({
    public: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Environment variables that are not secrets (shown in plans and reports). Every other {{ env.NAME }} value is a secret: it never appears in any output.',
      ),
  })
  .describe(
    'How {{ env.NAME }} values are treated. A variable a template names that is not set stops the run before any load (exit 2).',
  );

export { variableName };
