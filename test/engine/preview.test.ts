/**
 * The documented commands under the real engine (Pulumi CLI and Node.js language host, built from
 * source at the @pulumi/pulumi version of package-lock.json): `pulumi stack init`, `pulumi config
 * set kafka-eks-autoscaling:spec <relative path>`, `pulumi preview --non-interactive`, on a file
 * backend, for the dev and prod examples in both autoscaling modes.
 *
 * `pulumi-resource-aws` cannot be had here (no reachable registry serves it and it does not build
 * from the Go module proxy), so every preview stops at the AWS provider. The tier asserts that the
 * program itself completes up to there: its first AWS call is the zone check
 * (`aws.getAvailabilityZones`, before any resource is registered), and the
 * only error is the missing AWS provider plugin, matched exactly. A program exception or a config
 * error fails it. Whether that invoke refuses a zone cannot be judged here (no AWS plugin, so no
 * answer); the mock tiers cover that, and the platform's resources, and aliases.test.ts replays
 * the whole tree under the real engine.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { KAFKA_EKS_PLATFORM_TYPE } from '../../components/kafka-eks-platform';
import type { RecordedResource } from '../../components/lib/plan';
import { formatIssue } from '../../spec/errors';
import { loadSpecFile } from '../../spec/load';
import {
  createSandbox,
  engineBinaries,
  installedVersion,
  mustRun,
  parseEvents,
  parseRegistrations,
  REPO_ROOT,
  type EngineSandbox,
} from './engine';

const PROJECT = 'kafka-eks-autoscaling';
const binaries = engineBinaries();
const describeEngine = binaries === undefined ? describe.skip : describe;

type Example = 'dev' | 'prod';
type Mode = 'controller' | 'target-tracking';

const cases: ReadonlyArray<[Example, Mode]> = [
  ['dev', 'controller'],
  ['dev', 'target-tracking'],
  ['prod', 'controller'],
  ['prod', 'target-tracking'],
];

/**
 * The spec path, relative to the project root, for an example in a mode: the example itself when
 * it already uses the mode, else a copy with `autoscaling.mode` changed, written next to it in the
 * sandbox's project copy.
 */
function specFor(projectDir: string, example: Example, mode: Mode): string {
  const examplePath = `stacks/${example}.yaml`;
  const document = parse(readFileSync(join(REPO_ROOT, examplePath), 'utf8')) as {
    autoscaling?: { mode?: string };
  };
  if (document.autoscaling?.mode === mode) return examplePath;
  document.autoscaling = { ...document.autoscaling, mode };
  const variant = `stacks/${example}-${mode}.yaml`;
  writeFileSync(join(projectDir, variant), stringify(document));
  return variant;
}

/** What the program registers under mocks for a spec file. */
async function mockPlan(specFile: string): Promise<RecordedResource[]> {
  let resources: RecordedResource[] = [];
  await jest.isolateModulesAsync(async () => {
    const { recordPlan } = await import('../../components/lib/plan');
    resources = await recordPlan(specFile, async () => {
      const { default: program } = await import('../../stacks/index');
      await program();
    });
  });
  return resources;
}

/** The only error a preview may end with: the AWS provider plugin is not installed. */
function expectOnlyMissingAwsPlugin(stdout: string, stack: string, awsVersion: string): void {
  const errors = parseEvents(stdout)
    .flatMap(event => (event.diagnosticEvent === undefined ? [] : [event.diagnosticEvent]))
    .filter(diagnostic => diagnostic.severity === 'error')
    .map(({ urn, message }) => ({ urn, message }));
  expect(errors).toEqual([
    {
      urn: `urn:pulumi:${stack}::${PROJECT}::pulumi:providers:aws::default_${awsVersion.replaceAll('.', '_')}`,
      message: `no resource plugin 'pulumi-resource-aws' found in the workspace at version v${awsVersion} or on your $PATH\n`,
    },
  ]);
}

/**
 * The program ran up to its first AWS call, the zone check (`aws.getAvailabilityZones`,
 * components/lib/available-zones.ts), which asks for the missing provider (the engine log does not
 * name an invoke whose provider fails to load): the stack registered, and none of the mock plan's
 * top-level resources (one KafkaEksPlatform, named after the spec) registered, since the zones are
 * judged before anything is created.
 */
function expectStoppedAtZoneCheck(
  stderr: string,
  stack: string,
  planned: readonly RecordedResource[],
): void {
  const expected = planned
    .filter(resource => resource.parent === '(stack)')
    .map(resource => `${resource.type}::${resource.name}`);
  expect(expected).toHaveLength(1);
  expect(expected[0]).toMatch(new RegExp(`^${KAFKA_EKS_PLATFORM_TYPE}::`));
  const registered = new Set(
    parseRegistrations(stderr).map(registration => `${registration.type}::${registration.name}`),
  );
  expect(registered).toContain(`pulumi:pulumi:Stack::${PROJECT}-${stack}`);
  expect(expected.filter(key => registered.has(key))).toEqual([]);
}

/**
 * Every warning of the spec (`formatIssue`, as synth prints it) is among the engine's warning
 * diagnostics: the program logs them before its first AWS call (stacks/index.ts).
 */
function expectSpecWarningsShown(stdout: string, specFile: string): void {
  const shown = parseEvents(stdout)
    .flatMap(event => (event.diagnosticEvent === undefined ? [] : [event.diagnosticEvent]))
    .filter(diagnostic => diagnostic.severity === 'warning')
    .map(diagnostic => diagnostic.message);
  const expected = loadSpecFile(specFile).warnings.map(formatIssue);
  expect(expected.length).toBeGreaterThan(0);
  for (const line of expected) {
    expect({ line, shown: shown.some(message => message.includes(line)) }).toEqual({
      line,
      shown: true,
    });
  }
}

/**
 * `pulumi preview --non-interactive` in `cwd` (default: the project copy), with engine events on
 * stdout and the engine log on stderr.
 */
function preview(sandbox: EngineSandbox, cwd?: string): ReturnType<EngineSandbox['run']> {
  return sandbox.run(['preview', '--non-interactive', '--json', '--logtostderr', '-v=5'], {
    env: { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: 'true' },
    ...(cwd === undefined ? {} : { cwd }),
  });
}

describeEngine('pulumi preview under the real engine', () => {
  let sandbox: EngineSandbox;
  const awsVersion = installedVersion('@pulumi/aws');

  beforeAll(async () => {
    if (binaries === undefined) return;
    sandbox = await createSandbox(binaries);
  });
  afterAll(() => sandbox?.dispose());

  it.each(cases)(
    '%s example, %s mode: the program runs to its zone check and stops only at the missing AWS provider',
    async (example, mode) => {
      // GIVEN a new stack whose spec is set as a path relative to the project root, as documented;
      // the last case as another user would do it, at no extra preview: every command from
      // stacks/ (the CLI finds Pulumi.yaml above), the stack named in full
      // (organization/<project>/<stack>, as `pulumi stack ls -Q` shows it) and the spec given as
      // an absolute path
      const stack = `${example}-${mode}`;
      const variant = example === 'prod' && mode === 'target-tracking';
      const cwd = variant ? join(sandbox.projectDir, 'stacks') : sandbox.projectDir;
      const spec = specFor(sandbox.projectDir, example, mode);
      await mustRun(
        sandbox,
        ['stack', 'init', variant ? `organization/${PROJECT}/${stack}` : stack],
        {
          cwd,
        },
      );
      await mustRun(sandbox, ['config', 'set', 'aws:region', 'us-east-1'], { cwd });
      await mustRun(
        sandbox,
        ['config', 'set', `${PROJECT}:spec`, variant ? join(sandbox.projectDir, spec) : spec],
        { cwd },
      );

      // WHEN previewing it
      const result = await preview(sandbox, cwd);

      // THEN the only error is the documented missing AWS provider plugin
      expectOnlyMissingAwsPlugin(result.stdout, stack, awsVersion);
      expect(result.code).not.toBe(0);
      // AND the spec's warnings (the lines synth prints) are shown, though the run stopped there
      expectSpecWarningsShown(result.stdout, join(sandbox.projectDir, spec));
      // AND it stopped at the zone check, before any resource of the mock plan
      expectStoppedAtZoneCheck(
        result.stderr,
        stack,
        await mockPlan(join(sandbox.projectDir, spec)),
      );
    },
  );

  it('a spec path that names no file stops the program with one message: key, value, resolved path, fix', async () => {
    const stack = 'missing-spec';
    await mustRun(sandbox, ['stack', 'init', stack]);
    await mustRun(sandbox, ['config', 'set', 'aws:region', 'us-east-1']);
    // A user in stacks/ who thinks the path is relative to where they stand.
    await mustRun(sandbox, ['config', 'set', `${PROJECT}:spec`, 'dev.yaml'], {
      cwd: join(sandbox.projectDir, 'stacks'),
    });

    const result = await preview(sandbox);

    expect(result.code).not.toBe(0);
    const errors = parseEvents(result.stdout)
      .flatMap(event => (event.diagnosticEvent === undefined ? [] : [event.diagnosticEvent]))
      .filter(diagnostic => diagnostic.severity === 'error')
      .map(diagnostic => diagnostic.message);
    expect(errors).toHaveLength(1);
    const message = errors[0] ?? '';
    expect(message).toContain(
      `${PROJECT}:spec is "dev.yaml", which resolves to ${join(sandbox.projectDir, 'dev.yaml')}`,
    );
    expect(message).toContain(`Fix: pulumi config set ${PROJECT}:spec <spec file>`);
    // A RunError: no "unhandled exception" banner and no stack frames.
    expect(message).not.toMatch(/unhandled exception|\n\s+at /);
  });

  it('with no spec set, the Pulumi.yaml default (stacks/prod.yaml) is read from the project root', async () => {
    const stack = 'prod-default-spec';
    await mustRun(sandbox, ['stack', 'init', stack]);
    await mustRun(sandbox, ['config', 'set', 'aws:region', 'us-east-1']);

    const result = await preview(sandbox);

    expectOnlyMissingAwsPlugin(result.stdout, stack, awsVersion);
    expectStoppedAtZoneCheck(
      result.stderr,
      stack,
      await mockPlan(join(sandbox.projectDir, 'stacks', 'prod.yaml')),
    );
  });
});
