/**
 * `region` must be an AWS region code, read from the installed @pulumi/aws `Region` enum; a
 * misspelt one (`us-esat-1`, with zones `us-esat-1a..c`) passed the shape check before and failed
 * only at `pulumi up`'s first subnet.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Region } from '@pulumi/aws/types/enums';
import { AWS_REGIONS, isAwsRegion, nearestAwsRegion, regionProblem } from '../../spec/aws-regions';
import { specInput, specProblems } from '../util/specs';

const ROOT = join(__dirname, '..', '..');

describe('AWS_REGIONS', () => {
  it('is every region of the installed @pulumi/aws Region enum, sorted, GovCloud, ISO and China included', () => {
    expect(AWS_REGIONS).toEqual(Object.values(Region).map(String).sort());
    expect(AWS_REGIONS).toEqual(
      expect.arrayContaining(['us-east-1', 'us-gov-west-1', 'us-iso-east-1', 'cn-north-1']),
    );
  });

  it('loads the enum module alone, not the Pulumi runtime (synth start-up)', () => {
    const source = readFileSync(join(ROOT, 'spec', 'aws-regions.ts'), 'utf8');
    expect(source).toContain("from '@pulumi/aws/types/enums'");
    expect(source).not.toMatch(/from '@pulumi\/(aws|pulumi)'/);
  });
});

describe('regionProblem', () => {
  it.each([
    ['us-esat-1', 'us-east-1'],
    ['eu-central1', 'eu-central-1'],
    ['us-wesst-2', 'us-west-2'],
    ['ap-southeast-9', 'ap-southeast-1'],
  ])('throws when the region is %s, naming the nearest (%s) and the fix', (region, nearest) => {
    const problem = regionProblem(region);
    expect(problem).toContain(`"${region}" is not an AWS region code`);
    expect(problem).toContain(`did you mean "${nearest}"?`);
    expect(problem).toContain('Set region to an AWS region code');
  });

  it('property: a listed region is accepted, any other string refused', () => {
    fc.assert(
      fc.property(fc.constantFrom(...AWS_REGIONS), region => {
        expect(regionProblem(region)).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[a-z]{2}-[a-z]{4,9}-\d$/)), region => {
        expect(regionProblem(region) === undefined).toBe(isAwsRegion(region));
        expect(isAwsRegion(nearestAwsRegion(region))).toBe(true);
      }),
    );
  });

  it('the spec check names the field path', () => {
    const problems = specProblems(
      specInput(3, 1, { region: 'us-esat-1', zones: ['us-esat-1a', 'us-esat-1b', 'us-esat-1c'] }),
    );
    expect(problems).toHaveLength(1);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^region: "us-esat-1" is not an AWS region code.*did you mean "us-east-1"/,
        ),
      ]),
    );
  });
});
