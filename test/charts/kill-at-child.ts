/**
 * For `output-kill-anywhere.test.ts`: writes `files` (JSON object) into `out` and is killed
 * outright (SIGKILL) just before its `kill`th call that changes the file system (0: never); prints
 * how many such calls it made when not killed, or the error's name and message.
 * Usage: tsx kill-at-child.ts <out> <files as JSON> <kill>
 */
import { createRequire } from 'node:module';
import { writeOwnedFiles } from '../../charts/output';

/** The `node:fs` exports object itself, whose functions the writer calls at call time. */
const fs = createRequire(__filename)('node:fs') as Record<string, unknown>;

const [out = '', json = '{}', killText = '0'] = process.argv.slice(2);
const kill = Number(killText);
let calls = 0;
for (const name of [
  'mkdirSync',
  'openSync',
  'writeSync',
  'writeFileSync',
  'renameSync',
  'linkSync',
  'rmSync',
  'rmdirSync',
  'unlinkSync',
]) {
  const real = fs[name] as (...args: unknown[]) => unknown;
  fs[name] = (...args: unknown[]): unknown => {
    calls += 1;
    if (calls === kill) process.kill(process.pid, 'SIGKILL');
    return real(...args);
  };
}
try {
  writeOwnedFiles(new Map(Object.entries(JSON.parse(json) as Record<string, string>)), out);
  process.stdout.write(`${calls}\n`);
} catch (error) {
  process.stdout.write(`${(error as Error).name}: ${(error as Error).message}\n`);
}
