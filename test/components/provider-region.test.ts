/**
 * The spec's `region` and the region of the AWS provider that creates the resources must be one.
 * The default provider takes its region from `aws:region` (stack or Pulumi.yaml config), else
 * `AWS_REGION`, else `AWS_DEFAULT_REGION` (@pulumi/aws `config.region`). Pulumi.yaml sets
 * `aws:region: us-east-1`, so before this check a spec for `eu-central-1` went to `us-east-1`:
 * the VPC was created there and `pulumi up` failed only at the first subnet in `eu-central-1a`,
 * with part of the platform already created.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { providerRegionProblem } from '../../components/lib/region';

const ROOT = join(__dirname, '..', '..');
const REGIONS = ['us-east-1', 'us-west-2', 'eu-central-1', 'eu-west-1', 'ap-southeast-2'];

/** stacks/dev.yaml moved to `region` (zones a, b, c of it), written to a scratch file. */
function devSpecIn(region: string): string {
  const spec = parse(readFileSync(join(ROOT, 'stacks', 'dev.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  spec['region'] = region;
  spec['zones'] = ['a', 'b', 'c'].map(letter => `${region}${letter}`);
  const file = join(mkdtempSync(join(tmpdir(), 'provider-region-')), 'spec.yaml');
  writeFileSync(file, stringify(spec));
  return file;
}

describe('providerRegionProblem', () => {
  it('property: a problem exactly when the provider region is known and differs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REGIONS),
        fc.option(fc.constantFrom(...REGIONS), { nil: undefined }),
        (spec, provider) => {
          const problem = providerRegionProblem(spec, provider);
          if (provider === undefined || provider === spec) {
            expect(problem).toBeUndefined();
          } else {
            expect(problem).toContain(`region is "${spec}"`);
            expect(problem).toContain(`"${provider}"`);
            expect(problem).toContain(`pulumi config set aws:region ${spec}`);
            // True in any program: it names where the provider looks, not this project's default.
            expect(problem).not.toMatch(/defaults aws:region|us-east-1\)/);
            expect(problem).toContain('AWS_REGION, else the AWS_DEFAULT_REGION');
          }
        },
      ),
    );
  });
});

describe('the program refuses a spec for another region than its AWS provider', () => {
  async function runProgram(
    specFile: string,
    awsRegion: string,
  ): Promise<{ error: unknown; registered: number }> {
    let error: unknown;
    let registered = 0;
    await jest.isolateModulesAsync(async () => {
      const pulumi = await import('@pulumi/pulumi');
      const { recordPlan } = await import('../../components/lib/plan');
      try {
        const resources = await recordPlan(specFile, async () => {
          pulumi.runtime.setConfig('aws:region', awsRegion);
          const { default: program } = await import('../../stacks/index');
          await program();
        });
        registered = resources.length;
      } catch (caught) {
        error = caught;
      }
    });
    return { error, registered };
  }

  it('stops before any resource, naming both regions and the fix (a RunError)', async () => {
    const { error } = await runProgram(devSpecIn('eu-central-1'), 'us-east-1');
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('region is "eu-central-1"');
    expect(message).toContain('"us-east-1"');
    expect(message).toContain('pulumi config set aws:region eu-central-1');
    const pulumi = await import('@pulumi/pulumi');
    expect(pulumi.RunError.isInstance(error as Error)).toBe(true);
  });

  it('runs when aws:region names the spec region', async () => {
    const { error, registered } = await runProgram(devSpecIn('eu-central-1'), 'eu-central-1');
    expect(error).toBeUndefined();
    expect(registered).toBeGreaterThan(50);
  });
});
