// Prints "N passed, N failed" alone on the last line (the line CI reads), from vitest's JSON report;
// skipped tests, with their names (which carry the reason), on the lines before it.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`test summary: cannot read ${file}: ${error.message}`);
  process.exit(1);
}
const skipped = results.numPendingTests + results.numTodoTests;
if (skipped > 0) {
  const names = results.testResults.flatMap((file) => file.assertionResults.filter((t) => t.status === 'pending' || t.status === 'skipped' || t.status === 'todo').map((t) => t.fullName));
  console.log(`${skipped} skipped: ${names.join('; ')}`);
}
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed`);
process.exit(results.numTotalTests > 0 && results.numFailedTests === 0 ? 0 : 1);
