/**
 * `npm run synth -- [--config <spec>] [--out <dir>]`: validates the spec, synthesizes every chart
 * and writes the kustomize-ready folder. Exit 1 with every problem on stderr when the spec is bad,
 * or when writing would overwrite or remove files synth did not write (see charts/output.ts).
 */
import { parseArgs } from 'node:util';
import { MANIFEST_FILE, OutputOwnershipError, writeSynthOutput } from '../charts/output';
import { synthSummary } from '../charts/summary';
import { synthPlatform } from '../charts/synth';
import { SpecError } from '../spec/errors';
import { loadSpecFile } from '../spec/load';
import { DEFAULT_SPEC_FILE } from './defaults';

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', default: DEFAULT_SPEC_FILE },
      out: { type: 'string', default: 'dist' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('usage: npm run synth -- [--config <spec.yaml>] [--out <dir>]\n');
    return 0;
  }
  try {
    const loaded = loadSpecFile(values.config);
    const result = synthPlatform(loaded);
    const report = writeSynthOutput(result, values.out);
    process.stdout.write(`${synthSummary(loaded, result, values.out)}\n`);
    process.stdout.write(
      `${values.out}: ${report.written.length} file(s) written, ${report.removed.length} removed (listed in ${MANIFEST_FILE}); ${report.foreign.length} other file(s) left untouched\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof SpecError || error instanceof OutputOwnershipError) {
      process.stderr.write(`${error.message}\nNothing was written.\n`);
      return 1;
    }
    process.stderr.write(
      `synth failed: ${error instanceof Error ? error.message : String(error)}\nNothing was written.\n`,
    );
    return 1;
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
