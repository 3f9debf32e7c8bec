/** `kafka-eks status`: the options; `runStatus` in `cli/run/status.ts` does the work. */
import type { Command } from 'commander';
import { CliInputError, type CommandResult } from '../errors';
import type { CliIo } from '../io';
import { homedir } from 'node:os';
import { chooseKubeconfig } from '../kubeconfig';
import { inputFileProblem } from '../paths';
import { pathArgument } from './shared';

interface StatusFlags {
  readonly kubeconfig?: string;
  readonly namespace: string;
  readonly json: boolean;
  readonly timeout?: string;
}

/**
 * Seconds `status` waits for the API server by default: an endpoint that takes the connection and
 * never answers (a private EKS endpoint seen from outside its VPC) would otherwise hold it open.
 */
const DEFAULT_TIMEOUT_SECONDS = 30;

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
      'kubeconfig of the cluster, its current context (default: $KUBECONFIG, else ~/.kube/config, as kubectl)',
      pathArgument,
    )
    .option(
      '--namespace <ns>',
      'namespace of the controller (controller.namespace in the spec)',
      DEFAULT_CONTROLLER_NAMESPACE,
    )
    .option('--json', 'print the report as JSON instead of text', false)
    .option(
      '--timeout <seconds>',
      `seconds to wait for the API server, all reads together, before giving up (default: ${DEFAULT_TIMEOUT_SECONDS})`,
    )
    .action(async (flags: StatusFlags) => {
      const problems: string[] = [];
      const choice = chooseKubeconfig(flags.kubeconfig, process.env, homedir());
      let kubeconfig: string | undefined;
      if ('problem' in choice) {
        problems.push(choice.problem);
      } else {
        // Checked before the Kubernetes client loads, so the message comes at once.
        const problem = inputFileProblem('--kubeconfig', choice.file, '~/.kube/config');
        if (problem === undefined) kubeconfig = choice.file;
        else if (choice.source === '--kubeconfig') problems.push(problem);
        else {
          problems.push(
            `--kubeconfig: not given, and the kubeconfig from ${choice.source} cannot be read (${problem.replace(/^--kubeconfig: /, '')}); give your cluster's kubeconfig with --kubeconfig <file>`,
          );
        }
      }
      const timeoutSeconds = Number(flags.timeout ?? DEFAULT_TIMEOUT_SECONDS);
      if (flags.timeout?.trim() === '' || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
        problems.push(
          `--timeout: "${flags.timeout}" is not a number of seconds above 0; for example --timeout ${DEFAULT_TIMEOUT_SECONDS}`,
        );
      }
      if (problems.length > 0 || kubeconfig === undefined) throw new CliInputError(problems);
      // Say which file is read when the user did not name it (stderr: --json keeps stdout JSON).
      if ('source' in choice && choice.source !== '--kubeconfig') {
        io.stderr(`status: reading kubeconfig ${kubeconfig} (from ${choice.source})\n`);
      }
      const { runStatus } = await import('../run/status');
      result.code = await runStatus(
        { kubeconfig, namespace: flags.namespace, json: flags.json, timeoutSeconds },
        io,
      );
    });
}
