/** `kafka-eks synth`: the options; `runSynth` in `cli/run/synth.ts` does the work. */
import type { Command } from 'commander';
import type { CommandResult } from '../errors';
import type { CliIo } from '../io';
import { configOption, pathArgument } from './shared';

interface SynthFlags {
  readonly config: string;
  readonly out: string;
  readonly json: boolean;
  readonly ignorePreviousOutput: boolean;
}

export function addSynthCommand(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('synth')
    .description(
      'Validate the spec and write every Kubernetes object, one folder per component with a kustomization.yaml (what GitOps syncs, or `kubectl apply -k`).',
    )
    .addOption(configOption())
    .option(
      '--out <dir>',
      'output folder; synth replaces or removes only the files it wrote there (listed in .synth-manifest), never other files',
      pathArgument,
      'dist',
    )
    .option(
      '--json',
      'print a JSON summary (components, object counts, warnings) instead of text',
      false,
    )
    .option(
      '--ignore-previous-output',
      'skip the comparison with the output written to --out last time (smaller volumes, fewer partitions, another replication factor or an older Kafka line are refused otherwise); only for a platform that was deleted and is created anew',
      false,
    )
    .action(async (flags: SynthFlags) => {
      const { runSynth } = await import('../run/synth');
      result.code = await runSynth(flags, io);
    });
}
