/** Where `cdk8s synth` publishes (see charts/main.ts). */
import { relative, resolve } from 'node:path';

/** Default publish folder of `cdk8s synth`. */
export const DEFAULT_CDK8S_PUBLISH_FOLDER = 'dist-cdk8s';

/**
 * The publish folder: PLATFORM_OUT, else `dist-cdk8s`, relative to the working directory.
 * @throws Error when it is the cdk8s-cli scratch folder (CDK8S_OUTDIR) or inside it, or holds it:
 *   the CLI deletes that folder on every run, so nothing may be published there.
 */
export function publishFolderFor(env: Readonly<Record<string, string | undefined>>): string {
  const out = env.PLATFORM_OUT ?? DEFAULT_CDK8S_PUBLISH_FOLDER;
  const scratch = env.CDK8S_OUTDIR;
  if (scratch !== undefined) {
    const fromScratch = relative(resolve(scratch), resolve(out));
    const fromOut = relative(resolve(out), resolve(scratch));
    if (fromScratch === '' || !fromScratch.startsWith('..') || !fromOut.startsWith('..')) {
      throw new Error(
        `PLATFORM_OUT ${out} overlaps the cdk8s output folder ${scratch}, which cdk8s-cli deletes before every run; keep cdk8s.yaml's output (or --output) a scratch folder such as .cdk8s-scratch and publish elsewhere`,
      );
    }
  }
  return out;
}
