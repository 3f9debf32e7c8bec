/** `kafka-eks synth`: validate the spec, synthesize every chart, write the kustomize-ready folder. */
import type { Command } from 'commander';
import { CliInputError } from '../errors';
import type { CliIo } from '../io';
import { inputFileProblem, outputFolderProblem } from '../paths';
import { configOption, EXAMPLE_SPEC } from './shared';

interface SynthOptions {
  readonly config: string;
  readonly out: string;
  readonly json: boolean;
}

export function addSynthCommand(program: Command, io: CliIo): void {
  program
    .command('synth')
    .description(
      'Validate the spec and write every Kubernetes object, one folder per component with a kustomization.yaml (what GitOps syncs, or `kubectl apply -k`).',
    )
    .addOption(configOption())
    .option(
      '--out <dir>',
      'output folder; synth replaces or removes only the files it wrote there (listed in .synth-manifest), never other files',
      'dist',
    )
    .option(
      '--json',
      'print a JSON summary (components, object counts, warnings) instead of text',
      false,
    )
    .action(async (options: SynthOptions) => {
      const problems = [
        inputFileProblem('--config', options.config, EXAMPLE_SPEC),
        outputFolderProblem('--out', options.out),
      ].filter((problem): problem is string => problem !== undefined);
      if (problems.length > 0) throw new CliInputError(problems);
      const { loadSpecFile } = await import('../../spec/load');
      const loaded = loadSpecFile(options.config);
      const { MANIFEST_FILE, OutputOwnershipError, writeSynthOutput } =
        await import('../../charts/output');
      const { synthPlatform } = await import('../../charts/synth');
      const result = synthPlatform(loaded);
      let report;
      try {
        report = writeSynthOutput(result, options.out);
      } catch (error) {
        // Files synth does not own are in the way: the user's input to fix, nothing was written.
        if (error instanceof OutputOwnershipError)
          throw new CliInputError([`--out: ${error.message}`]);
        throw error;
      }
      if (options.json) {
        const { formatIssue } = await import('../../spec/errors');
        io.stdout(
          `${JSON.stringify(
            {
              outDir: options.out,
              components: result.components.map(component => ({
                name: component.name,
                description: component.description,
                objects: component.objects.length,
              })),
              written: report.written.length,
              removed: report.removed.length,
              untouched: report.foreign.length,
              warnings: loaded.warnings.map(formatIssue),
            },
            null,
            2,
          )}\n`,
        );
      } else {
        const { synthSummary } = await import('../../charts/summary');
        io.stdout(
          `${synthSummary(loaded, result, options.out)}\n${options.out}: ${report.written.length} file(s) written, ${report.removed.length} removed (listed in ${MANIFEST_FILE}); ${report.foreign.length} other file(s) left untouched\n`,
        );
      }
    });
}
