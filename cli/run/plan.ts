/**
 * `kafka-eks plan`: runs the Pulumi program (`stacks/index.ts`) under Pulumi's mocks (no cloud
 * account, no Pulumi CLI) and prints every resource `pulumi up` would register, with its type,
 * name, parent and key inputs (the physical name AWS would see first, auto-names included). An
 * invalid spec fails exactly as synth does; a name longer than AWS allows fails as
 * `pulumi preview` would, naming the resource, the generated name, its length and the limit.
 * The plan stands for a first deployment: the program's read of the stack's last deployment (a
 * StackReference, for the `zones` check) finds no outputs and is not listed, as it creates nothing.
 */
import { resolve } from 'node:path';
import {
  formatPlanTable,
  NameLimitError,
  planJson,
  recordPlan,
  type PlannedResource,
} from '../../components/lib/plan';
import { formatIssue } from '../../spec/errors';
import { loadSpecFile } from '../../spec/load';
import { CliInputError, EXIT_CODES } from '../errors';
import { printWarnings, type CliIo } from '../io';
import { EXAMPLE_SPEC, inputFileProblem } from '../paths';

export interface PlanOptions {
  /** Platform spec file (YAML or JSON). */
  readonly config: string;
  /** Print the resources as a JSON array instead of a table. */
  readonly json: boolean;
}

/**
 * Plans and prints; returns the exit code (0). Spec warnings go to `io.stderr`.
 * @throws CliInputError for a missing spec file or a name AWS would reject; SpecError for an
 *   invalid spec (nothing is registered then).
 */
export async function runPlan(options: PlanOptions, io: CliIo): Promise<number> {
  const problem = inputFileProblem('--config', options.config, EXAMPLE_SPEC);
  if (problem !== undefined) throw new CliInputError([problem]);
  const specFile = resolve(options.config);
  // Validate first: a bad spec prints the same problems as synth and registers nothing.
  const { warnings } = loadSpecFile(specFile);
  printWarnings(io, warnings.map(formatIssue));
  let resources: PlannedResource[];
  try {
    resources = await recordPlan(specFile, async () => {
      const { default: program } = await import('../../stacks/index');
      await program();
    });
  } catch (error) {
    // Names AWS would reject fail here exactly where `pulumi preview` would.
    if (error instanceof NameLimitError) throw new CliInputError([error.message]);
    throw error;
  }
  io.stdout(
    options.json
      ? `${JSON.stringify(planJson(resources), null, 2)}\n`
      : `${formatPlanTable(resources)}\n`,
  );
  return EXIT_CODES.ok;
}
