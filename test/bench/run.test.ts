/**
 * `npm run bench <name>` (bench/run.ts) with a name that is no benchmark: refused with the names
 * it takes, exit 1, and bench/results/latest.json left as it was (a typo used to run nothing,
 * overwrite the results with an empty list and exit 0).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const LATEST = join(ROOT, 'bench', 'results', 'latest.json');

describe('bench/run.ts', () => {
  it('refuses a benchmark name it does not have, naming the ones it has', () => {
    // GIVEN whatever results an earlier run left
    const before = existsSync(LATEST) ? readFileSync(LATEST, 'utf8') : undefined;
    // WHEN a benchmark name is misspelt
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', 'simulatr'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    // THEN nothing runs and the message says what to give
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'bench: no benchmark "simulatr"; give any of synth, plan, controller, simulator, or none for all\n',
    );
    expect(result.stdout).toBe('');
    expect(existsSync(LATEST) ? readFileSync(LATEST, 'utf8') : undefined).toBe(before);
  });
});
