/**
 * `npm run plan -- [--config <spec>] [--json]`: runs the Pulumi program under Pulumi's mocks (no
 * cloud account, no Pulumi CLI) and prints every resource `pulumi up` would register, with its
 * type, name, parent and key inputs (the physical name AWS would see first, auto-names included). An
 * invalid spec fails exactly as synth does; a name longer than AWS allows fails as `pulumi preview`
 * would, naming the resource, the generated name, its length and the limit.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SpecError, formatIssue } from '../spec/errors';
import { loadSpecFile } from '../spec/load';
import { DEFAULT_SPEC_FILE } from './defaults';
import {
  formatPlanTable,
  NameLimitError,
  planJson,
  recordPlan,
  type PlannedResource,
} from '../components/lib/plan';

/** Runs the command with `argv` (options only); also called by `kafka-eks plan` (cli/). */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', default: DEFAULT_SPEC_FILE },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('usage: npm run plan -- [--config <spec.yaml>] [--json]\n');
    return 0;
  }
  const specFile = resolve(values.config);
  try {
    // Validate first: a bad spec prints the same problems as synth and registers nothing.
    const { warnings } = loadSpecFile(specFile);
    for (const warning of warnings) process.stderr.write(`warning: ${formatIssue(warning)}\n`);
  } catch (error) {
    if (error instanceof SpecError) {
      process.stderr.write(`${error.message}\nNothing was written.\n`);
      return 1;
    }
    throw error;
  }
  let resources: PlannedResource[];
  try {
    resources = await recordPlan(specFile, async () => {
      await import('./index');
    });
  } catch (error) {
    // Names AWS would reject fail here exactly where `pulumi preview` would.
    if (error instanceof NameLimitError) {
      process.stderr.write(`${error.message}\nNothing was written.\n`);
      return 1;
    }
    throw error;
  }
  process.stdout.write(
    values.json
      ? `${JSON.stringify(planJson(resources), null, 2)}\n`
      : `${formatPlanTable(resources)}\n`,
  );
  return 0;
}

// Runs only as a script, so `cli/` can import `main` without running it.
if (require.main === module) {
  main(process.argv.slice(2)).then(
    code => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `plan failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 2;
    },
  );
}
