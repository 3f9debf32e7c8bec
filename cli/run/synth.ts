/**
 * `kafka-eks synth`: validate the spec, synthesize every chart and write the kustomize-ready
 * folder under the ownership rule of `charts/output.ts` (only files synth wrote are replaced or
 * removed; a failed run leaves the folder as it was).
 */
import { MANIFEST_FILE, OutputOwnershipError, writeSynthOutput } from '../../charts/output';
import { synthSummary } from '../../charts/summary';
import { synthPlatform } from '../../charts/synth';
import { formatIssue } from '../../spec/errors';
import { loadSpecFile } from '../../spec/load';
import { CliInputError, EXIT_CODES } from '../errors';
import { gitopsPathWarning } from '../gitops-path';
import type { CliIo } from '../io';
import { EXAMPLE_SPEC, inputFileProblem, outputFolderProblem } from '../paths';

export interface SynthOptions {
  /** Platform spec file (YAML or JSON). */
  readonly config: string;
  /** Output folder; created when missing. */
  readonly out: string;
  /** Print a JSON summary instead of text. */
  readonly json: boolean;
}

/**
 * Runs synth and returns the exit code (0). Text or JSON summary on `io.stdout`.
 * @throws CliInputError for a missing spec file, an `--out` that cannot be a folder (a file, a
 *   link to a missing folder, a refused folder such as `/`), files in `--out` synth does not own,
 *   or a folder in `--out` it must change but cannot write; SpecError for an invalid spec. Nothing
 *   is written in any of these cases. OutputWriteError when writing fails part way (a full disk):
 *   its message says whether every file was put back. OutputCleanupError when only the removal of
 *   the run's own leftovers failed (the new output is complete). OutputFlushError when the new
 *   output is complete but flushing it to the disk (fsync) failed.
 */
export function runSynth(options: SynthOptions, io: CliIo): number {
  const problems = [
    inputFileProblem('--config', options.config, EXAMPLE_SPEC),
    outputFolderProblem('--out', options.out),
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) throw new CliInputError(problems);
  const loaded = loadSpecFile(options.config);
  const result = synthPlatform(loaded);
  let report;
  try {
    report = writeSynthOutput(result, options.out);
  } catch (error) {
    // Files synth does not own are in the way: the user's input to fix, nothing was written.
    if (error instanceof OutputOwnershipError) throw new CliInputError([`--out: ${error.message}`]);
    throw error;
  }
  const pathWarning = gitopsPathWarning(loaded.spec, options.out);
  if (pathWarning !== undefined) io.stderr(`warning: ${pathWarning}\n`);
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
      warnings: [
        ...loaded.warnings.map(formatIssue),
        ...(pathWarning === undefined ? [] : [pathWarning]),
      ],
    };
    io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    io.stdout(
      `${synthSummary(loaded, result, options.out)}\n${options.out}: ${report.written.length} file(s) written, ${report.removed.length} removed (listed in ${MANIFEST_FILE}); ${report.foreign.length} other file(s) left untouched\n`,
    );
  }
  return EXIT_CODES.ok;
}
