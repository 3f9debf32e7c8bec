/**
 * For `output-nested-race.test.ts`: writes `files` (JSON object) into `out` as a run of its own
 * process and prints the outcome: `written`, or the error's name and message.
 * Usage: tsx nested-race-child.ts <out> <files as JSON>
 */
import { writeOwnedFiles } from '../../charts/output';

const [out = '', json = '{}'] = process.argv.slice(2);
try {
  writeOwnedFiles(new Map(Object.entries(JSON.parse(json) as Record<string, string>)), out);
  process.stdout.write('written\n');
} catch (error) {
  process.stdout.write(`${(error as Error).name}: ${(error as Error).message}\n`);
}
