/**
 * `npm run bench [name ...]`: runs every benchmark module present in this folder, or the ones named
 * (`npm run bench simulator`), and prints one table.
 * Figures are measurements for the README, never assertions.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../simulator/write-file';
import type { BenchResult } from './types';

const MODULES = ['synth', 'plan', 'controller', 'simulator'];

/**
 * True for what a write of latest.json killed part way leaves in its temporary file: the start of
 * the JSON array this file writes (`[`), or nothing yet; `writeFileAtomically` removes such a file
 * of a killed run on the next run.
 */
function isResultsStart(content: Buffer): boolean {
  return content.length === 0 || content[0] === '['.charCodeAt(0);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter(name => !MODULES.includes(name));
  if (unknown.length > 0) {
    // A typo would otherwise run nothing and overwrite latest.json with an empty list, exit 0.
    process.stderr.write(
      `bench: no benchmark ${unknown.map(name => `"${name}"`).join(', ')}; give any of ${MODULES.join(', ')}, or none for all\n`,
    );
    process.exitCode = 1;
    return;
  }
  const results: BenchResult[] = [];
  for (const name of MODULES) {
    if (only.length > 0 && !only.includes(name)) continue;
    if (!existsSync(join(__dirname, `${name}.ts`))) continue;
    const module = (await import(`./${name}`)) as { run: () => Promise<BenchResult[]> };
    results.push(...(await module.run()));
  }
  const width = Math.max(...results.map(r => r.name.length));
  process.stdout.write(`${'benchmark'.padEnd(width)}  value      target\n`);
  for (const result of results) {
    const value = `${result.value.toFixed(result.value < 10 ? 2 : 0)} ${result.unit}`;
    process.stdout.write(
      `${result.name.padEnd(width)}  ${value.padEnd(10)} ${result.target ?? ''}\n`,
    );
  }
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  // Whole or not at all (simulator/write-file.ts): a run stopped while writing, or a full disk,
  // leaves the previous results in place rather than a cut JSON file.
  writeFileAtomically(
    join(dir, 'latest.json'),
    `${JSON.stringify(results, null, 2)}\n`,
    isResultsStart,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
