/**
 * Entry for the cdk8s CLI (`npx cdk8s synth`, see cdk8s.yaml): validates the spec named by
 * PLATFORM_SPEC (default: the prod example), builds the charts, and publishes one file per chart to
 * PLATFORM_OUT (default `dist-cdk8s`) under the same ownership rule as `npm run synth`. Both
 * variables are checked first as `--config` and `--out` are (`publishInputs`), and every error
 * about the folder names PLATFORM_OUT.
 *
 * Why two folders: cdk8s-cli deletes its output folder (`output:` in cdk8s.yaml, or `--output`)
 * before it starts the app, so a spec error would leave nothing behind, and a user folder named
 * there would be wiped. cdk8s.yaml therefore names a scratch folder the CLI may delete; the app
 * publishes to PLATFORM_OUT itself, only after the spec validated, every chart synthesized and no
 * change from the previous publication is one Strimzi, Kafka or Kubernetes refuse (transitions.ts).
 * Every error on stderr starts with the variable to change (`errorNamingVariable`).
 *
 * The app writes nowhere else. cdk8s's `App` writes its charts to `CDK8S_OUTDIR`, and to `./dist`
 * when that is unset: run by hand (`node --import tsx charts/main.ts`, cdk8s.yaml's `app:` line),
 * that put seven `<chart>.k8s.yaml` files into the folder `kafka-eks synth` writes by default,
 * over any file of those names, and did so before the checks, so a failed run wrote them too. So
 * the charts are validated in memory (`App.synthYaml`), and written to `CDK8S_OUTDIR` (the scratch
 * folder cdk8s-cli empties before every run and lists after it) only when it is set, and only
 * once PLATFORM_OUT is published.
 */
import { App } from 'cdk8s';
import { gitIgnoredWarning, gitopsPathWarning } from '../cli/gitops-path';
import { writeHoldingSignals } from '../cli/hold-signals';
import { processIo } from '../cli/io';
import { MANIFEST_FILE, OutputOwnershipError, writeOwnedFiles, type WriteReport } from './output';
import { missingFluxFolders, publishInputs } from './publish';
import { chartFiles, buildApp, type KubeObject } from './synth';
import { onPreviousSystemZones, previousOutputObjects, transitionReport } from './transitions';
import { SpecError, formatIssue } from '../spec/errors';
import { loadSpecFile } from '../spec/load';

/**
 * Validates, synthesizes and publishes as described above, holding SIGINT, SIGTERM and SIGHUP while
 * PLATFORM_OUT is written (`cli/hold-signals.ts`: one that arrives then ends the process with 128 +
 * its number once the folder holds one whole output). Errors go to stderr with exit status 1.
 */
async function publish(): Promise<void> {
  try {
    const { spec, out } = publishInputs(process.env);
    const app = new App();
    const parsed = loadSpecFile(spec);
    // Changes Strimzi, Kafka or Kubernetes refuse relative to what was published last time.
    let previous: KubeObject[];
    try {
      previous = previousOutputObjects(out);
    } catch (error) {
      throw new Error(`PLATFORM_OUT: ${error instanceof Error ? error.message : String(error)}`);
    }
    // The KRaft controllers stay in the zones the system nodegroup kept when zones were appended.
    const loaded = onPreviousSystemZones(parsed, previous);
    const built = buildApp(loaded, app);
    // cdk8s's own validation and dependency order, in memory: nothing is written yet.
    app.synthYaml();
    const transitions = transitionReport(
      previous,
      built.flatMap(({ chart }) => chart.toJson() as KubeObject[]),
      loaded.spec,
    );
    if (transitions.problems.length > 0) {
      throw new SpecError(transitions.problems, `the platform spec (compared with ${out})`);
    }
    // The spec's own warnings and the transition table's, as `kafka-eks synth` prints them.
    for (const warning of [...loaded.warnings, ...transitions.warnings]) {
      process.stderr.write(`warning: ${formatIssue(warning)}\n`);
    }
    const pathWarning = gitopsPathWarning(loaded.spec, out, 'PLATFORM_OUT');
    if (pathWarning !== undefined) process.stderr.write(`warning: ${pathWarning}\n`);
    const files = chartFiles(built);
    const missing = missingFluxFolders(
      loaded.spec,
      built.flatMap(({ chart }) => chart.toJson() as KubeObject[]),
      files.keys(),
    );
    if (missing.length > 0) {
      process.stderr.write(
        `warning: gitops.engine: "flux" syncs the folders ${missing.join(', ')} of gitops.path ${JSON.stringify(loaded.spec.gitops.path)}, which this one-file-per-chart output does not have, so Flux would report each path as not found; commit the kustomize tree of npm run synth -- --config <spec> --out <checkout>/${loaded.spec.gitops.path} instead (README, "Synth and GitOps")\n`,
      );
    }
    let report: WriteReport;
    try {
      report = await writeHoldingSignals(() => writeOwnedFiles(files, out), {
        command: 'cdk8s app',
        target: out,
        io: processIo,
      });
    } catch (error) {
      // Files in the way, a refused folder, another run: PLATFORM_OUT is the input to change.
      if (error instanceof OutputOwnershipError) throw new Error(`PLATFORM_OUT: ${error.message}`);
      throw error;
    }
    const ignoredWarning = gitIgnoredWarning(
      loaded.spec,
      out,
      [...report.written, MANIFEST_FILE],
      'PLATFORM_OUT',
    );
    if (ignoredWarning !== undefined) process.stderr.write(`warning: ${ignoredWarning}\n`);
    process.stderr.write(
      `published ${report.written.length} file(s) to ${out}; ${report.removed.length} removed, ${report.foreign.length} other file(s) left untouched\n`,
    );
    writeScratch(app, out);
  } catch (error) {
    process.stderr.write(`${errorNamingVariable(error)}\nNothing was published.\n`);
    process.exitCode = 1;
  }
}

/**
 * Under cdk8s-cli (`CDK8S_OUTDIR` set: its scratch folder, emptied before every run), writes the
 * charts there as cdk8s does, for the CLI to list and validate; outside it, nothing. Called once
 * `out` holds the new output. A failure sets exit status 1 with a message that says the output
 * was published all the same.
 */
function writeScratch(app: App, out: string): void {
  const scratch = process.env.CDK8S_OUTDIR;
  if (scratch === undefined || scratch === '') return;
  try {
    app.synth();
  } catch (error) {
    process.stderr.write(
      `CDK8S_OUTDIR: ${out} holds the new output, but writing cdk8s-cli's scratch folder ${scratch} failed (${error instanceof Error ? error.message : String(error)}); fix that folder (cdk8s.yaml's output, or --output) and run again\n`,
    );
    process.exitCode = 1;
  }
}

/**
 * The error's message, starting with the variable to change: PLATFORM_SPEC for a spec problem
 * (SpecError: the spec itself, or a change from the previous publication that is refused), as the
 * CLI starts one with `--config`. Messages about the folder already start with PLATFORM_OUT, and
 * `publishInputs` names either variable. Any other failure names both, with their values.
 */
function errorNamingVariable(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SpecError) return `PLATFORM_SPEC: ${message}`;
  if (/^PLATFORM_(SPEC|OUT)\b/m.test(message)) return message;
  const spec = process.env.PLATFORM_SPEC ?? 'unset (the prod example)';
  const out = process.env.PLATFORM_OUT ?? 'unset (dist-cdk8s)';
  return `cdk8s app failed (PLATFORM_SPEC ${spec}, PLATFORM_OUT ${out}): ${message}`;
}

void publish();
