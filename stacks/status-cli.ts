/**
 * `npm run status -- --kubeconfig <file> [--namespace <ns>] [--json]`: what the autoscaling
 * controller is doing and why it holds, per zone: the level and the desired level, the nodes with
 * their brokers, the operation in flight (phase, age), the leader's last decision and its hold
 * reason, and when the next scale-in could happen. Read-only.
 *
 * Exit 0 with the report; 1 for bad input or when the controller is not found (message on stderr);
 * 2 for an unexpected failure.
 */
import { Command, CommanderError } from 'commander';
import { existsSync } from 'node:fs';
import { buildStatus, formatStatus } from './status/report';
import { StatusReadError, readStatusInput } from './status/read';

interface StatusOptions {
  readonly kubeconfig: string;
  readonly namespace: string;
  readonly json: boolean;
}

/** Runs the command with `argv` (options only); also called by `kafka-eks status` (cli/). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('status')
    .description('What the Kafka autoscaling controller is doing and why it holds, per zone.')
    .requiredOption('--kubeconfig <file>', 'kubeconfig of the cluster (its current context)')
    .option(
      '--namespace <ns>',
      'the controller namespace (controller.namespace)',
      'kafka-autoscaler',
    )
    .option('--json', 'print the report as JSON', false)
    .exitOverride()
    .configureOutput({
      writeOut: text => process.stdout.write(text),
      writeErr: text => process.stderr.write(text),
    });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 1;
    }
    throw error;
  }
  const options = program.opts<StatusOptions>();
  if (!existsSync(options.kubeconfig)) {
    process.stderr.write(
      `--kubeconfig: ${options.kubeconfig} does not exist; give your cluster's kubeconfig, for example ~/.kube/config\n`,
    );
    return 1;
  }
  try {
    const status = buildStatus(await readStatusInput(options.kubeconfig, options.namespace));
    process.stdout.write(
      options.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatStatus(status)}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof StatusReadError) {
      process.stderr.write(`status: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

// Runs only as a script, so `cli/` can import `main` without running it.
if (require.main === module) {
  main(process.argv.slice(2)).then(
    code => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `status failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 2;
    },
  );
}
