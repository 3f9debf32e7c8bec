/** `kafka-eks status`: the options; `runStatus` in `cli/run/status.ts` does the work. */
import type { Command } from 'commander';
import { CliInputError, type CommandResult } from '../errors';
import type { CliIo } from '../io';
import { inputFileProblem } from '../paths';
import { pathArgument } from './shared';

interface StatusFlags {
  readonly kubeconfig?: string;
  readonly namespace: string;
  readonly json: boolean;
}

/** Namespace of the controller when `controller.namespace` is left at its default. */
const DEFAULT_CONTROLLER_NAMESPACE = 'kafka-autoscaler';

export function addStatusCommand(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('status')
    .description(
      "Show what the Kafka autoscaling controller is doing and why it holds, per zone: levels, nodes and their brokers, the operation in flight, the leader's last decision. Read-only.",
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig of the cluster, its current context (required)',
      pathArgument,
    )
    .option(
      '--namespace <ns>',
      'namespace of the controller (controller.namespace in the spec)',
      DEFAULT_CONTROLLER_NAMESPACE,
    )
    .option('--json', 'print the report as JSON instead of text', false)
    .action(async (flags: StatusFlags) => {
      const { kubeconfig } = flags;
      if (kubeconfig === undefined) {
        throw new CliInputError([
          "--kubeconfig: is required; give your cluster's kubeconfig, for example --kubeconfig ~/.kube/config",
        ]);
      }
      // Checked before the Kubernetes client loads, so the message comes at once.
      const problem = inputFileProblem('--kubeconfig', kubeconfig, '~/.kube/config');
      if (problem !== undefined) throw new CliInputError([problem]);
      const { runStatus } = await import('../run/status');
      result.code = await runStatus({ ...flags, kubeconfig }, io);
    });
}
