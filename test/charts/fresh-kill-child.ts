/**
 * For `output-fresh-leftovers.test.ts`: writes `files` (JSON object) into the new folder `out`
 * and is killed outright (SIGKILL) at the moment its staged folder would be renamed into place,
 * leaving what a run killed there leaves.
 * Usage: tsx fresh-kill-child.ts <out> <files as JSON>
 */
import type { PathLike } from 'node:fs';
import { createRequire } from 'node:module';
import { writeOwnedFiles } from '../../charts/output';

/** The `node:fs` exports object itself, whose functions the writer calls at call time. */
const fs = createRequire(__filename)('node:fs') as typeof import('node:fs');

const [out = '', json = '{}'] = process.argv.slice(2);
const rename = fs.renameSync;
fs.renameSync = ((from: PathLike, to: PathLike) => {
  if (String(to) === out) process.kill(process.pid, 'SIGKILL');
  rename(from, to);
}) as typeof fs.renameSync;
writeOwnedFiles(new Map(Object.entries(JSON.parse(json) as Record<string, string>)), out);
