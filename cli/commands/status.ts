/**
 * `kafka-eks status`: what the autoscaling controller is doing and why it holds, per zone, read
 * from a running cluster. Options are checked here (names, the kubeconfig file); `main` in
 * `stacks/status-cli.ts` reads the cluster and prints the report.
 */
import type { Command } from 'commander';
import { CliInputError, type CommandResult } from '../errors';
import { inputFileProblem } from '../paths';

interface StatusOptions {
  readonly kubeconfig?: string;
  readonly namespace: string;
  readonly json?: boolean;
}

/** Namespace of the controller when `controller.namespace` is left at its default. */
const DEFAULT_CONTROLLER_NAMESPACE = 'kafka-autoscaler';

export function addStatusCommand(program: Command, result: CommandResult): void {
  program
    .command('status')
    .description(
      "Show what the Kafka autoscaling controller is doing and why it holds, per zone: levels, nodes and their brokers, the operation in flight, the leader's last decision. Read-only.",
    )
    .option('--kubeconfig <file>', 'kubeconfig of the cluster, its current context (required)')
    .option(
      '--namespace <ns>',
      'namespace of the controller (controller.namespace in the spec)',
      DEFAULT_CONTROLLER_NAMESPACE,
    )
    .option('--json', 'print the report as JSON instead of text')
    .action(async (options: StatusOptions) => {
      if (options.kubeconfig === undefined) {
        throw new CliInputError([
          "--kubeconfig: is required; give your cluster's kubeconfig, for example --kubeconfig ~/.kube/config",
        ]);
      }
      const problem = inputFileProblem('--kubeconfig', options.kubeconfig, '~/.kube/config');
      if (problem !== undefined) throw new CliInputError([problem]);
      const argv = ['--kubeconfig', options.kubeconfig, '--namespace', options.namespace];
      if (options.json === true) argv.push('--json');
      const { main } = await import('../../stacks/status-cli');
      result.code = await main(argv);
    });
}
