/**
 * `cdk8s synth` through cdk8s.yaml: the same objects as `npm run synth`, published under the same
 * ownership rule, and a failed run leaves the previous output alone (issue #12).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { synthPlatform } from '../../charts/synth';
import { runSynth } from '../../cli/run/synth';
import { exampleSpec } from '../util/specs';

const ROOT = resolve(__dirname, '..', '..');

function cdk8sSynth(
  out: string,
  scratch: string,
  spec?: string,
): { status: number | null; output: string } {
  const result = spawnSync(
    join(ROOT, 'node_modules', '.bin', 'cdk8s'),
    ['synth', '--check-upgrade=false', '--output', scratch],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        PLATFORM_OUT: out,
        ...(spec === undefined ? {} : { PLATFORM_SPEC: spec }),
      },
    },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/**
 * Runs the cdk8s app as cdk8s.yaml's `app:` line does, but by hand, outside cdk8s-cli (no
 * CDK8S_OUTDIR), in `cwd`.
 */
function appDirectly(
  cwd: string,
  env: Record<string, string>,
): { status: number | null; output: string } {
  const environment: Record<string, string | undefined> = { ...process.env, ...env };
  delete environment.CDK8S_OUTDIR;
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href,
      join(ROOT, 'charts', 'main.ts'),
    ],
    { cwd, encoding: 'utf8', env: environment },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function snapshotDir(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter(entry => entry.isFile())
      .map(entry => join(entry.parentPath, entry.name))
      .sort()
      .map(file => [file, readFileSync(file, 'utf8')]),
  );
}

describe('cdk8s CLI entry', () => {
  const work = mkdtempSync(join(tmpdir(), 'cdk8s-cli-'));

  it('publishes the same manifests as npm run synth for the default spec', () => {
    const out = join(work, 'same');
    const result = cdk8sSynth(out, join(work, 'scratch-same'));
    expect(result.status).toBe(0);
    // cdk8s-cli still gets its scratch folder's manifests to list (written after the publish)
    expect(readdirSync(join(work, 'scratch-same'))).toContain('kafka.k8s.yaml');
    expect(result.output).toContain('kafka.k8s.yaml');
    const fromCli = readdirSync(out)
      .filter(file => file.endsWith('.k8s.yaml'))
      .sort()
      .flatMap(file => parseAllDocuments(readFileSync(join(out, file), 'utf8')).map(d => d.toJS()));
    const fromSynth = synthPlatform(exampleSpec('prod')).components.flatMap(c => c.objects);
    const key = (o: { kind: string; metadata: { name: string; namespace?: string } }): string =>
      `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    expect(fromCli.map(key).sort()).toEqual(fromSynth.map(key).sort());
    const synthByKey = new Map(fromSynth.map(o => [key(o), o]));
    for (const object of fromCli) expect(object).toEqual(synthByKey.get(key(object)));
    expect(readFileSync(join(out, '.synth-manifest'), 'utf8')).toContain('  kafka.k8s.yaml\n');
  });

  it('keeps the previous output, a .git folder and foreign files when a run fails', () => {
    // GIVEN a published output inside a git repository, with a file of the user's
    const out = join(work, 'kept');
    expect(cdk8sSynth(out, join(work, 'scratch-kept')).status).toBe(0);
    mkdirSync(join(out, '.git'));
    writeFileSync(join(out, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(out, 'my-patch.yaml'), 'mine');
    const before = snapshotDir(out);
    // WHEN cdk8s synth runs with a spec that fails validation
    const bad = join(work, 'bad.yaml');
    writeFileSync(
      bad,
      'name: Orders\nregion: us-east-1\nzones: [us-east-1a]\nkafka: { brokers: 3 }\n',
    );
    const result = cdk8sSynth(out, join(work, 'scratch-kept'), bad);
    // THEN it fails naming the problem and the published folder is byte-identical
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('name: "Orders" is not a DNS-1123 label');
    // named by its variable, as the missing file is (README: the variable in every error)
    expect(result.output).toMatch(new RegExp(`^PLATFORM_SPEC: ${bad} has \\d+ problems?:$`, 'm'));
    expect(result.output).toContain('Nothing was published.');
    expect(snapshotDir(out)).toEqual(before);
    // AND a good run afterwards still leaves .git and the user's file alone
    expect(cdk8sSynth(out, join(work, 'scratch-kept')).status).toBe(0);
    expect(existsSync(join(out, '.git', 'HEAD'))).toBe(true);
    expect(readFileSync(join(out, 'my-patch.yaml'), 'utf8')).toBe('mine');
  });

  it('names PLATFORM_SPEC in a refused change from the previous publication', () => {
    // GIVEN the prod example published
    const out = join(work, 'shrunk');
    expect(cdk8sSynth(out, join(work, 'scratch-shrunk')).status).toBe(0);
    // WHEN the same spec with smaller broker volumes runs
    const smaller = join(work, 'smaller.yaml');
    writeFileSync(
      smaller,
      readFileSync(join(ROOT, 'stacks', 'prod.yaml'), 'utf8').replace('sizeGi: 500', 'sizeGi: 400'),
    );
    const result = cdk8sSynth(out, join(work, 'scratch-shrunk'), smaller);
    // THEN the error starts with the variable to change
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`PLATFORM_SPEC: the platform spec (compared with ${out})`);
    expect(result.output).toContain('kafka.storage.sizeGi: 400 GiB is below the 500 GiB');
  });

  it('names PLATFORM_SPEC and PLATFORM_OUT in its errors, never an --out it does not have', () => {
    // GIVEN a spec path that does not exist and an output folder holding a file of the user's
    // where synth writes one of its own
    const out = join(work, 'named');
    mkdirSync(out);
    writeFileSync(join(out, 'kafka.k8s.yaml'), 'mine');
    const missing = join(work, 'no-such-spec.yaml');
    // WHEN cdk8s synth runs with the missing spec, then with a good one
    const noSpec = cdk8sSynth(out, join(work, 'scratch-named'), missing);
    const inTheWay = cdk8sSynth(out, join(work, 'scratch-named'));
    // THEN each error starts with the variable to change and says nothing of --out
    expect(noSpec.status).not.toBe(0);
    expect(noSpec.output).toContain(
      `PLATFORM_SPEC: ${missing} does not exist; give the path of an existing file, for example stacks/prod.yaml\nNothing was published.`,
    );
    expect(inTheWay.status).not.toBe(0);
    expect(inTheWay.output).toContain(
      `PLATFORM_OUT: refusing to write ${out}: one file is not synth's`,
    );
    expect(inTheWay.output).toContain('(or choose another output folder)');
    expect(`${noSpec.output}${inTheWay.output}`).not.toContain('--out');
    expect(readdirSync(out)).toEqual(['kafka.k8s.yaml']);
  });

  it('warns that Flux finds none of its folders in the one-file-per-chart layout', () => {
    // GIVEN a spec with gitops.engine: flux
    const spec = join(work, 'flux.yaml');
    const prod = readFileSync(join(ROOT, 'stacks', 'prod.yaml'), 'utf8');
    writeFileSync(spec, `${prod}gitops:\n  engine: flux\n  path: clusters/prod/kafka\n`);
    // WHEN cdk8s synth publishes it
    const result = cdk8sSynth(join(work, 'flux-out'), join(work, 'scratch-flux'), spec);
    // THEN it publishes, and says which folders Flux would not find and what to commit instead
    expect(result.status).toBe(0);
    expect(result.output).toMatch(
      /warning: gitops\.engine: "flux" syncs the folders [^\n]*\bgitops\b[^\n]*\boperators\b[^\n]*, which this one-file-per-chart output does not have[^\n]*npm run synth -- --config <spec> --out <checkout>\/clusters\/prod\/kafka/,
    );
  });

  it('warns, naming PLATFORM_OUT, when it publishes beside gitops.path in a Git work tree', () => {
    // GIVEN an Argo CD spec whose gitops.path is clusters/prod/kafka, and a checkout
    const checkout = join(work, 'checkout');
    mkdirSync(join(checkout, '.git'), { recursive: true });
    const spec = join(work, 'argocd.yaml');
    const prod = readFileSync(join(ROOT, 'stacks', 'prod.yaml'), 'utf8');
    writeFileSync(spec, `${prod}gitops:\n  engine: argocd\n  path: clusters/prod/kafka\n`);
    // WHEN cdk8s synth publishes into another folder of that checkout
    const result = cdk8sSynth(join(checkout, 'kafka'), join(work, 'scratch-argocd'), spec);
    // THEN it publishes and says where Argo CD looks, with PLATFORM_OUT named as the input
    expect(result.status).toBe(0);
    expect(result.output).toMatch(
      /warning: gitops\.path: "clusters\/prod\/kafka", but PLATFORM_OUT is \.\/kafka in the Git work tree [^\n]*; Argo CD will look in clusters\/prod\/kafka/,
    );
  });

  it('prints every warning npm run synth prints for the same spec and change', async () => {
    // GIVEN a spec with warnings of its own (2 zones: availability; the default image; no
    // repository for Flux), published once, then changed so the transition table warns too
    const spec = join(work, 'warned.yaml');
    const before = [
      'name: warned',
      'region: eu-west-1',
      'zones: [eu-west-1a, eu-west-1b]',
      'kafka:',
      '  brokers: 4',
      '  external: { enabled: true, allowedCidrs: [10.0.0.0/8], authentication: tls }',
      'gitops: { engine: flux }',
      '',
    ].join('\n');
    const after = before.replace('authentication: tls', 'authentication: scram-sha-512');
    const warningsOf = (output: string): string[] =>
      output.split('\n').filter(line => line.startsWith('warning: '));
    const viaCdk8s: string[] = [];
    const viaSynth: string[] = [];
    for (const [index, text] of [before, after].entries()) {
      writeFileSync(spec, text);
      // WHEN both publish it into their own folders
      const published = cdk8sSynth(
        join(work, 'warned-cdk8s'),
        join(work, `scratch-w${index}`),
        spec,
      );
      expect(published.status).toBe(0);
      viaCdk8s.push(...warningsOf(published.output));
      const stderr: string[] = [];
      const io = { stdout: () => undefined, stderr: (line: string) => stderr.push(line) };
      await runSynth({ config: spec, out: join(work, 'warned-synth'), json: false }, io);
      viaSynth.push(...warningsOf(stderr.join('')));
    }
    // THEN cdk8s synth gives every warning synth gives (it adds its own about Flux folders)
    expect(viaSynth.length).toBeGreaterThanOrEqual(4);
    expect(viaCdk8s).toEqual(expect.arrayContaining(viaSynth));
  });

  it('refuses to publish into the scratch folder cdk8s-cli deletes', () => {
    const scratch = join(work, 'scratch-self');
    const result = cdk8sSynth(join(scratch, 'out'), scratch);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/overlaps the cdk8s output folder/);
  });

  it('run by hand, outside cdk8s-cli, writes nothing but PLATFORM_OUT, and nothing when it fails', () => {
    // GIVEN a folder where the app runs by hand (cdk8s.yaml's app line, no CDK8S_OUTDIR): its
    // dist/ holds a synth output's hand-kept file named like a chart file cdk8s writes
    const cwd = join(work, 'by-hand');
    mkdirSync(join(cwd, 'dist'), { recursive: true });
    writeFileSync(join(cwd, 'dist', 'kafka.k8s.yaml'), 'mine\n');
    // WHEN it publishes the prod example to out/
    const good = appDirectly(cwd, { PLATFORM_OUT: 'out' });
    // THEN only out/ is written: dist/ (cdk8s's default folder) is as it was
    expect(good.status).toBe(0);
    expect(readdirSync(cwd).sort()).toEqual(['dist', 'out']);
    expect(snapshotDir(join(cwd, 'dist'))).toEqual({
      [join(cwd, 'dist', 'kafka.k8s.yaml')]: 'mine\n',
    });
    // AND WHEN a run then fails late (a change the previous output refuses), without dist/
    rmSync(join(cwd, 'dist'), { recursive: true });
    const smaller = join(work, 'by-hand-smaller.yaml');
    writeFileSync(
      smaller,
      readFileSync(join(ROOT, 'stacks', 'prod.yaml'), 'utf8').replace('sizeGi: 500', 'sizeGi: 400'),
    );
    const before = snapshotDir(cwd);
    const bad = appDirectly(cwd, { PLATFORM_OUT: 'out', PLATFORM_SPEC: smaller });
    // THEN it fails and nothing in the folder changed: no dist/ either
    expect(bad.status).not.toBe(0);
    expect(bad.output).toContain('Nothing was published.');
    expect(readdirSync(cwd).sort()).toEqual(['out']);
    expect(snapshotDir(cwd)).toEqual(before);
  });
});
