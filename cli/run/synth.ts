/**
 * `kafka-eks synth`: validate the spec, synthesize every chart and write the kustomize-ready
 * folder under the ownership rule of `charts/output.ts` (only files synth wrote are replaced or
 * removed; a failed run leaves the folder as it was).
 */
import { MANIFEST_FILE, OutputOwnershipError, writeSynthOutput } from '../../charts/output';
import { synthSummary } from '../../charts/summary';
import { synthPlatform } from '../../charts/synth';
import {
  onPreviousSystemZones,
  previousOutputObjects,
  transitionReport,
} from '../../charts/transitions';
import { SpecError, formatIssue } from '../../spec/errors';
import { loadSpecFile } from '../../spec/load';
import { CliInputError, EXIT_CODES } from '../errors';
import { gitIgnoredWarning, gitopsPathWarning } from '../gitops-path';
import { writeHoldingSignals } from '../hold-signals';
import { printWarnings, type CliIo } from '../io';
import { EXAMPLE_SPEC, inputFileProblem, outputFolderProblem } from '../paths';

export interface SynthOptions {
  /** Platform spec file (YAML or JSON). */
  readonly config: string;
  /** Output folder; created when missing. */
  readonly out: string;
  /** Print a JSON summary instead of text. */
  readonly json: boolean;
  /**
   * Skip the comparison with the output written to `out` last time (`charts/transitions.ts`), for a
   * platform that was deleted and is created anew.
   * @default false
   */
  readonly ignorePreviousOutput?: boolean;
}

/**
 * Runs synth and resolves to the exit code (0). Text or JSON summary on `io.stdout`. SIGINT,
 * SIGTERM and SIGHUP are held while the folder is written (`cli/hold-signals.ts`): one that
 * arrives then ends the process with 128 + its number once the write is done, before the summary.
 * @throws CliInputError for a missing spec file, an `--out` that cannot be a folder (a file, a
 *   link to a missing folder, a refused folder such as `/`), files in `--out` synth does not own,
 *   a folder in `--out` it must change but cannot write, an `--out` whose paths would pass PATH_MAX
 *   or that holds a mount point (another file system, a bind-mounted folder or file) where files change, or a previous output file that is not
 *   YAML; SpecError for an invalid spec, or for a change from the previous output in `--out` that
 *   Strimzi, Kafka or Kubernetes refuse (`charts/transitions.ts`: a smaller broker volume, fewer
 *   partitions, another replication factor, an older Kafka line). Nothing
 *   is written in any of these cases. OutputWriteError when writing fails part way (a full disk):
 *   its message says whether every file was put back. OutputCleanupError when only the removal of
 *   the run's own leftovers failed (the new output is complete). OutputFlushError when the new
 *   output is complete but flushing it to the disk (fsync) failed.
 */
export async function runSynth(options: SynthOptions, io: CliIo): Promise<number> {
  const problems = [
    inputFileProblem('--config', options.config, EXAMPLE_SPEC),
    outputFolderProblem('--out', options.out),
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) throw new CliInputError(problems);
  const parsed = loadSpecFile(options.config);
  // Changes Strimzi, Kafka or Kubernetes refuse relative to the output written last time.
  let previous;
  try {
    previous = options.ignorePreviousOutput === true ? [] : previousOutputObjects(options.out);
  } catch (error) {
    throw new CliInputError([`--out: ${error instanceof Error ? error.message : String(error)}`]);
  }
  // The KRaft controllers stay in the zones the system nodegroup kept when zones were appended.
  const result = synthPlatform(onPreviousSystemZones(parsed, previous));
  const transitions = transitionReport(
    previous,
    result.components.flatMap(component => component.objects),
    parsed.spec,
  );
  if (transitions.problems.length > 0) {
    throw new SpecError(
      transitions.problems,
      `${options.config} (compared with the output synth wrote to ${options.out} last time)`,
    );
  }
  const loaded = { ...parsed, warnings: [...parsed.warnings, ...transitions.warnings] };
  let report;
  try {
    report = await writeHoldingSignals(() => writeSynthOutput(result, options.out), {
      command: 'synth',
      target: options.out,
      io,
    });
  } catch (error) {
    // Files synth does not own are in the way: the user's input to fix, nothing was written.
    if (error instanceof OutputOwnershipError) throw new CliInputError([`--out: ${error.message}`]);
    throw error;
  }
  const pathWarning = gitopsPathWarning(loaded.spec, options.out);
  const ignoredWarning = gitIgnoredWarning(loaded.spec, options.out, [
    ...report.written,
    MANIFEST_FILE,
  ]);
  const warnings = [
    ...loaded.warnings.map(formatIssue),
    ...[pathWarning, ignoredWarning].filter((warning): warning is string => warning !== undefined),
  ];
  printWarnings(io, warnings);
  if (options.json) {
    const summary = {
      outDir: options.out,
      components: result.components.map(component => ({
        name: component.name,
        description: component.description,
        objects: component.objects.length,
      })),
      written: report.written.length,
      removed: report.removed.length,
      untouched: report.foreign.length,
      warnings,
    };
    io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    io.stdout(
      `${synthSummary(loaded, result, options.out)}\n${options.out}: ${report.written.length} file(s) written, ${report.removed.length} removed (listed in ${MANIFEST_FILE}); ${report.foreign.length} other file(s) left untouched\n`,
    );
  }
  return EXIT_CODES.ok;
}
