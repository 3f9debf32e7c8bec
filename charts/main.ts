/**
 * Entry for the cdk8s CLI (`npx cdk8s synth`, see cdk8s.yaml): validates the spec named by
 * PLATFORM_SPEC (default: the prod example), builds the charts, and publishes one file per chart to
 * PLATFORM_OUT (default `dist-cdk8s`) under the same ownership rule as `npm run synth`.
 *
 * Why two folders: cdk8s-cli deletes its output folder (`output:` in cdk8s.yaml, or `--output`)
 * before it starts the app, so a spec error would leave nothing behind, and a user folder named
 * there would be wiped. cdk8s.yaml therefore names a scratch folder the CLI may delete; the app
 * publishes to PLATFORM_OUT itself, only after the spec validated, every chart synthesized and no
 * change from the previous publication is one Strimzi, Kafka or Kubernetes refuse (transitions.ts).
 */
import { App } from 'cdk8s';
import { writeOwnedFiles } from './output';
import { publishFolderFor } from './publish';
import { chartFiles, buildApp, type KubeObject } from './synth';
import { previousOutputObjects, transitionReport } from './transitions';
import { SpecError, formatIssue } from '../spec/errors';
import { loadSpecFile } from '../spec/load';
import { DEFAULT_SPEC_FILE } from '../stacks/defaults';

try {
  const out = publishFolderFor(process.env);
  const app = new App();
  const loaded = loadSpecFile(process.env.PLATFORM_SPEC ?? DEFAULT_SPEC_FILE);
  const built = buildApp(loaded, app);
  app.synth();
  // Changes Strimzi, Kafka or Kubernetes refuse relative to what was published last time.
  const transitions = transitionReport(
    previousOutputObjects(out),
    built.flatMap(({ chart }) => chart.toJson() as KubeObject[]),
    loaded.spec,
  );
  if (transitions.problems.length > 0) {
    throw new SpecError(transitions.problems, `the platform spec (compared with ${out})`);
  }
  for (const warning of transitions.warnings) {
    process.stderr.write(`warning: ${formatIssue(warning)}\n`);
  }
  const report = writeOwnedFiles(chartFiles(built), out);
  process.stderr.write(
    `published ${report.written.length} file(s) to ${out}; ${report.removed.length} removed, ${report.foreign.length} other file(s) left untouched\n`,
  );
} catch (error) {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\nNothing was published.\n`,
  );
  process.exitCode = 1;
}
