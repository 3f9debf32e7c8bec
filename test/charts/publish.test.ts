/**
 * `publishInputs` (charts/publish.ts): `cdk8s synth` checks PLATFORM_SPEC and PLATFORM_OUT as
 * `kafka-eks synth` checks `--config` and `--out`, every problem at once, each naming its variable,
 * its value and the fix, before anything is read or written.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_CDK8S_PUBLISH_FOLDER,
  PublishInputError,
  publishInputs,
} from '../../charts/publish';
import { DEFAULT_SPEC_FILE } from '../../stacks/defaults';

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    publishInputs(env);
  } catch (error) {
    if (error instanceof PublishInputError) return error.problems;
    throw error;
  }
  return [];
}

describe('publishInputs', () => {
  const work = mkdtempSync(join(tmpdir(), 'publish-'));
  const aFile = join(work, 'a-file');
  writeFileSync(aFile, 'mine\n');
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('defaults to the prod example and dist-cdk8s', () => {
    expect(publishInputs({})).toEqual({
      spec: DEFAULT_SPEC_FILE,
      out: DEFAULT_CDK8S_PUBLISH_FOLDER,
    });
  });

  it('names PLATFORM_SPEC and PLATFORM_OUT in every problem, all at once', () => {
    expect(problemsOf({ PLATFORM_SPEC: join(work, 'missing.yaml'), PLATFORM_OUT: aFile })).toEqual([
      `PLATFORM_SPEC: ${join(work, 'missing.yaml')} does not exist; give the path of an existing file, for example stacks/prod.yaml`,
      `PLATFORM_OUT: ${aFile} is a file, not a folder; give a new or empty folder, or an earlier synth output`,
    ]);
    expect(problemsOf({ PLATFORM_SPEC: work })).toEqual([
      `PLATFORM_SPEC: ${work} is not a file (it is a folder or a device); give a file, for example stacks/prod.yaml`,
    ]);
  });

  it('refuses an empty or odd PLATFORM_OUT instead of publishing into the working folder', () => {
    expect(problemsOf({ PLATFORM_OUT: '' })).toEqual([
      'PLATFORM_OUT: the path is empty (an unset variable?); give a folder, for example dist',
    ]);
    const odd = join(work, 'out ');
    expect(problemsOf({ PLATFORM_OUT: odd })).toEqual([
      `PLATFORM_OUT: ${JSON.stringify(odd)} would create a folder named "out ", which starts or ends with white space (a stray quote or space?); give the name without it`,
    ]);
  });

  it('still refuses the scratch folder cdk8s-cli deletes', () => {
    expect(
      problemsOf({ PLATFORM_OUT: join(work, 'scratch'), CDK8S_OUTDIR: join(work, 'scratch') }),
    ).toEqual([
      `PLATFORM_OUT ${join(work, 'scratch')} overlaps the cdk8s output folder ${join(work, 'scratch')}, which cdk8s-cli deletes before every run; keep cdk8s.yaml's output (or --output) a scratch folder such as .cdk8s-scratch and publish elsewhere`,
    ]);
  });
});
