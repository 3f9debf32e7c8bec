/**
 * `publishInputs` (charts/publish.ts): `cdk8s synth` checks PLATFORM_SPEC and PLATFORM_OUT as
 * `kafka-eks synth` checks `--config` and `--out`, every problem at once, each naming its variable,
 * its value and the fix, before anything is read or written.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import {
  DEFAULT_CDK8S_PUBLISH_FOLDER,
  PublishInputError,
  missingFluxFolders,
  publishInputs,
} from '../../charts/publish';
import { buildApp, chartFiles, synthPlatform, type KubeObject } from '../../charts/synth';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import { specInput } from '../util/specs';
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

describe('missingFluxFolders: what a Flux sync of the publication would not find', () => {
  // GIVEN a spec with Flux and a gitops.path, and both layouts of the same objects
  const fluxSpec = (engine: 'flux' | 'argocd' | 'none'): LoadedSpec =>
    parseSpec({ ...specInput(3, 2), gitops: { engine, path: 'clusters/prod/kafka' } });

  function layouts(loaded: LoadedSpec): {
    objects: KubeObject[];
    tree: string[];
    flat: string[];
  } {
    const result = synthPlatform(loaded);
    const flat = [...chartFiles(buildApp(loaded, Testing.app())).keys()];
    return {
      objects: result.components.flatMap(c => [...c.objects]),
      tree: [...result.files.keys()],
      flat,
    };
  }

  it('the kustomize tree of npm run synth holds every folder Flux syncs', () => {
    const loaded = fluxSpec('flux');
    const { objects, tree } = layouts(loaded);
    expect(missingFluxFolders(loaded.spec, objects, tree)).toEqual([]);
  });

  it('the one-file-per-chart layout of cdk8s synth holds none of them (example)', () => {
    // WHEN the cdk8s layout is checked THEN every layer folder and the entry folder are missing
    const loaded = fluxSpec('flux');
    const { objects, flat } = layouts(loaded);
    expect(missingFluxFolders(loaded.spec, objects, flat)).toEqual(
      expect.arrayContaining(['gitops', 'operators', 'kafka', 'storage']),
    );
  });

  it('other engines sync the folder itself: nothing is missing', () => {
    for (const engine of ['argocd', 'none'] as const) {
      const loaded = fluxSpec(engine);
      const { objects, flat } = layouts(loaded);
      expect(missingFluxFolders(loaded.spec, objects, flat)).toEqual([]);
    }
  });
});
