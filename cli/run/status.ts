/**
 * `kafka-eks status`: what the autoscaling controller is doing and why it holds, per zone: the
 * level and the desired level, the nodes with their brokers, the operation in flight (phase, age),
 * the leader's last decision and its hold reason, and when the next scale-in could happen.
 * Read-only (`cli/status/read.ts`).
 */
import { buildStatus, formatStatus } from '../status/report';
import { StatusReadError, readStatusInput } from '../status/read';
import { CliInputError, EXIT_CODES } from '../errors';
import type { CliIo } from '../io';
import { inputFileProblem } from '../paths';

export interface StatusOptions {
  /** kubeconfig file; its current context names the cluster. */
  readonly kubeconfig: string;
  /** Namespace of the controller (`controller.namespace` in the spec). */
  readonly namespace: string;
  /** Print the report as JSON instead of text. */
  readonly json: boolean;
  /** Seconds to wait for the API server, all reads together (`--timeout`). */
  readonly timeoutSeconds: number;
}

/**
 * Reads the cluster and prints the report; returns 0, or 1 with the reason on `io.stderr` when the
 * cluster cannot be read or the controller is not there.
 * @throws CliInputError for a missing kubeconfig file.
 */
export async function runStatus(options: StatusOptions, io: CliIo): Promise<number> {
  const problem = inputFileProblem('--kubeconfig', options.kubeconfig, '~/.kube/config');
  if (problem !== undefined) throw new CliInputError([problem]);
  try {
    const input = await readStatusInput(
      options.kubeconfig,
      options.namespace,
      Date.now(),
      options.timeoutSeconds * 1000,
    );
    const status = buildStatus(input);
    io.stdout(options.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatStatus(status)}\n`);
    return EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof StatusReadError) {
      io.stderr(`status: ${error.message}\n`);
      return EXIT_CODES.badInput;
    }
    throw error;
  }
}
