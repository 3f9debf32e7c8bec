/**
 * The region check (components/lib/region.ts) under the real engine: a spec for `eu-central-1` with
 * `aws:region` left at the Pulumi.yaml default (`us-east-1`) stops `pulumi preview` with one
 * message naming both regions and the fix; set to the spec's region, the program runs on to the
 * AWS provider (the only error then is the missing provider plugin, as in preview.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createSandbox,
  engineBinaries,
  mustRun,
  parseEvents,
  REPO_ROOT,
  type EngineSandbox,
} from './engine';

const PROJECT = 'kafka-eks-autoscaling';
const binaries = engineBinaries();
const describeEngine = binaries === undefined ? describe.skip : describe;

async function previewErrors(sandbox: EngineSandbox): Promise<string[]> {
  const result = await sandbox.run(['preview', '--non-interactive', '--json'], {
    env: { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: 'true' },
  });
  expect(result.code).not.toBe(0);
  return parseEvents(result.stdout)
    .flatMap(event => (event.diagnosticEvent === undefined ? [] : [event.diagnosticEvent]))
    .filter(diagnostic => diagnostic.severity === 'error')
    .map(diagnostic => diagnostic.message);
}

describeEngine('the spec region against the AWS provider region, under the real engine', () => {
  let sandbox: EngineSandbox;

  beforeAll(async () => {
    if (binaries === undefined) return;
    sandbox = await createSandbox(binaries);
    const eu = readFileSync(join(REPO_ROOT, 'stacks', 'dev.yaml'), 'utf8')
      .replace(/^region: us-east-1$/m, 'region: eu-central-1')
      .replace(/us-east-1([abc])/g, 'eu-central-1$1');
    writeFileSync(join(sandbox.projectDir, 'stacks', 'eu.yaml'), eu);
  });
  afterAll(() => sandbox?.dispose());

  it('stops before anything is created when aws:region is the Pulumi.yaml default', async () => {
    await mustRun(sandbox, ['stack', 'init', 'eu-default-region']);
    await mustRun(sandbox, ['config', 'set', `${PROJECT}:spec`, 'stacks/eu.yaml']);

    const errors = await previewErrors(sandbox);

    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(
      `the spec's region is "eu-central-1", but the AWS provider would create every resource in "us-east-1"`,
    );
    expect(errors[0]).toContain('Fix: pulumi config set aws:region eu-central-1');
    expect(errors[0]).not.toMatch(/unhandled exception|\n\s+at /);
  });

  it('runs on to the AWS provider once aws:region is the spec region', async () => {
    await mustRun(sandbox, ['stack', 'init', 'eu-spec-region']);
    await mustRun(sandbox, ['config', 'set', `${PROJECT}:spec`, 'stacks/eu.yaml']);
    await mustRun(sandbox, ['config', 'set', 'aws:region', 'eu-central-1']);

    const errors = await previewErrors(sandbox);

    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^no resource plugin 'pulumi-resource-aws' found/);
  });
});
