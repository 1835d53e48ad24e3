// Prints "N passed, N failed" alone on the last line (the line CI reads), from vitest's JSON report;
// before it, skipped tests with their names (which carry the reason), and how long each group took.
import { readFileSync } from 'node:fs';

const [file, wallSecondsText] = process.argv.slice(2);
let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`test summary: cannot read ${file}: ${error.message}`);
  process.exit(1);
}
const skipped = results.numPendingTests + results.numTodoTests;
if (skipped > 0) {
  const names = results.testResults.flatMap((file) =>
    file.assertionResults
      .filter((t) => t.status === 'pending' || t.status === 'skipped' || t.status === 'todo')
      .map((t) => (t.meta?.skipNote ? `${t.fullName} (${t.meta.skipNote})` : t.fullName)),
  );
  console.log(`${skipped} skipped: ${names.join('; ')}`);
}
// The groups run one after the other (vitest.config.ts): each one's span is from its first file's start to its last
// file's end (files whose every test was skipped are left out: they carry no times of their own).
const TIERS = JSON.parse(readFileSync(new URL('../test/test-tiers.json', import.meta.url), 'utf8'));
const listed = (list, name) => list.some((file) => name.endsWith(`/${file}`));
const tierOf = (name) => (name.endsWith('.unit.test.ts') ? 'unit' : listed(TIERS.slow, name) ? 'slow' : 'quick');
const groupOf = (name) =>
  name.endsWith('.unit.test.ts')
    ? 'unit'
    : listed(TIERS.serial, name)
      ? 'serial'
      : listed(TIERS.paired, name)
        ? 'paired'
        : 'integration';
const spans = new Map();
for (const result of results.testResults) {
  if (result.assertionResults.every((t) => t.status === 'pending' || t.status === 'skipped' || t.status === 'todo'))
    continue;
  const group = groupOf(result.name);
  const span = spans.get(group) ?? { start: Infinity, end: 0 };
  spans.set(group, { start: Math.min(span.start, result.startTime), end: Math.max(span.end, result.endTime) });
}
// A file in the quick tier that took longer than a quick file should is named, to be moved to the slow list.
const QUICK_FILE_LIMIT_SECONDS = 30;
for (const result of results.testResults) {
  const seconds = (result.endTime - result.startTime) / 1_000;
  if (tierOf(result.name) === 'quick' && seconds > QUICK_FILE_LIMIT_SECONDS) {
    console.log(
      `flagged: ${result.name.replace(/^.*?\/test\//, 'test/')} took ${seconds.toFixed(0)} s in the quick tier (over ${QUICK_FILE_LIMIT_SECONDS} s): move it to test/test-tiers.json's "slow" list`,
    );
  }
}
const parts = ['unit', 'integration', 'paired', 'serial']
  .filter((group) => spans.has(group))
  .map((group) => `${group} ${((spans.get(group).end - spans.get(group).start) / 1_000).toFixed(0)} s`);
if (wallSecondsText) parts.push(`all ${wallSecondsText} s wall`);
console.log(`durations: ${parts.join(', ')}`);
// A file that failed as a whole (it did not load, or a beforeAll threw) has no failed test of its own: its tests
// show as skipped. Count each such file as a failure, and name it.
const failedFiles = results.testResults.filter(
  (file) => file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed'),
);
for (const file of failedFiles)
  console.log(
    `failed as a whole: ${file.name.replace(/^.*?\/test\//, 'test/')}: ${(file.message ?? '').split('\n')[0] || 'a hook failed (see its error above)'}`,
  );
const failed = results.numFailedTests + failedFiles.length;
console.log(`${results.numPassedTests} passed, ${failed} failed`);
process.exit(results.numTotalTests > 0 && failed === 0 ? 0 : 1);
