/**
 * The deploy-time zone check: the program asks AWS (`aws.getAvailabilityZones`) which of the
 * spec's zones are available before it registers anything, and refuses the rest. A zone letter the
 * region lacks (`us-east-1z`) passed the offline shape check and failed at `pulumi up`'s subnet.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { unavailableZonesProblem } from '../../../components/lib/available-zones';

const ROOT = join(__dirname, '..', '..', '..');

describe('unavailableZonesProblem', () => {
  it('throws when a zone is not listed, naming it, the listed zones and the fix', () => {
    const problem = unavailableZonesProblem(
      ['us-east-1a', 'us-east-1b', 'us-east-1z'],
      ['us-east-1c', 'us-east-1a', 'us-east-1b'],
      'us-east-1',
    );
    expect(problem).toContain('zones: "us-east-1z" is not an available zone of us-east-1');
    expect(problem).toContain('(AWS lists us-east-1a, us-east-1b, us-east-1c)');
    expect(problem).toContain('Fix: list zones AWS lists in zones, or opt in');
    expect(problem).toContain('nothing was created');
  });

  it('names every missing zone, and says when AWS lists none', () => {
    expect(unavailableZonesProblem(['x-1a', 'x-1b'], [])).toContain(
      'zones: "x-1a", "x-1b" are not an available zone for this account (AWS lists none)',
    );
  });

  it('property: a problem exactly when some spec zone is not listed', () => {
    const zone = fc.constantFrom(...'abcdefz'.split('').map(letter => `us-east-1${letter}`));
    fc.assert(
      fc.property(fc.uniqueArray(zone), fc.uniqueArray(zone), (specZones, listed) => {
        const problem = unavailableZonesProblem(specZones, listed);
        const missing = specZones.filter(name => !listed.includes(name));
        expect(problem === undefined).toBe(missing.length === 0);
        for (const name of missing) expect(problem).toContain(`"${name}"`);
      }),
    );
  });
});

/** stacks/dev.yaml with `zones`, written to a scratch file. */
function devSpecWithZones(zones: readonly string[]): string {
  const spec = parse(readFileSync(join(ROOT, 'stacks', 'dev.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  spec['zones'] = [...zones];
  const file = join(mkdtempSync(join(tmpdir(), 'available-zones-')), 'spec.yaml');
  writeFileSync(file, stringify(spec));
  return file;
}

describe('the program asks AWS for the spec zones before it creates anything', () => {
  /** Runs stacks/index.ts under kafkaEksPlatformMocks, AWS listing `availableZones`. */
  async function runProgram(
    zones: readonly string[],
    availableZones: readonly string[] | undefined,
  ): Promise<{ error: unknown; isRunError: boolean; registered: string[] }> {
    let error: unknown;
    let isRunError = false;
    const registered: string[] = [];
    const specFile = devSpecWithZones(zones);
    await jest.isolateModulesAsync(async () => {
      const pulumi = await import('@pulumi/pulumi');
      const { kafkaEksPlatformMocks, MOCK_ORGANIZATION } = await import('../../../api/testing');
      await pulumi.runtime.setMocks(
        kafkaEksPlatformMocks(
          // The stack itself is registered by runInPulumiStack; count what the program creates.
          args => (args.type === 'pulumi:pulumi:Stack' ? undefined : registered.push(args.type)),
          { availableZones },
        ),
        'kafka-eks-autoscaling',
        'dev',
        false,
        MOCK_ORGANIZATION,
      );
      pulumi.runtime.setConfig('kafka-eks-autoscaling:spec', specFile);
      pulumi.runtime.setConfig('aws:region', 'us-east-1');
      await pulumi.runtime.runInPulumiStack(async () => {
        try {
          const { default: program } = await import('../../../stacks/index');
          await program();
        } catch (caught) {
          error = caught;
          isRunError = pulumi.RunError.isInstance(caught as Error);
        }
        return undefined;
      });
      await pulumi.runtime.disconnect();
    });
    return { error, isRunError, registered };
  }

  it('refuses a zone AWS does not list (a RunError) and registers no resource', async () => {
    const { error, isRunError, registered } = await runProgram(
      ['us-east-1a', 'us-east-1b', 'us-east-1z'],
      ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f'],
    );
    expect(isRunError).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('zones: "us-east-1z" is not an available zone');
    expect(message).toContain('AWS lists us-east-1a, us-east-1b, us-east-1c');
    expect(registered).toEqual([]);
  });

  it('runs when AWS lists every spec zone (the mocks list the spec zones by default)', async () => {
    const { error, registered } = await runProgram(
      ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      undefined,
    );
    expect(error).toBeUndefined();
    expect(registered.length).toBeGreaterThan(50);
  });
});
