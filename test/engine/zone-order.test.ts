/**
 * The `zones` check of the program (components/lib/zone-order-guard.ts) under the real engine: the
 * program reads the stack output `zoneOrder` of the stack's last deployment through a
 * StackReference to its own stack, and stops before it creates anything when a deployed zone
 * moved.
 *
 * The AWS provider plugin cannot be had here (preview.test.ts), so the real program cannot finish
 * a `pulumi up`. The deployment it would have left is made by a real `pulumi up` of a stand-in
 * program in the same project and stack that exports what the program exports for zones
 * [us-east-1a, us-east-1b, us-east-1c] (`zoneOrder`, `clusterName`); the real program then runs on
 * top of that state. An accepted edit runs on to the AWS provider (its only error is the missing
 * plugin); a refused one ends with the one message, before any resource is registered, and leaves
 * the deployed `zoneOrder` in place, so the next run refuses it again. The same read stops a
 * `cluster.kubernetesVersion` older than the deployed `kubernetesVersion` output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  createSandbox,
  engineBinaries,
  mustRun,
  parseEvents,
  parseRegistrations,
  programEntry,
  REPO_ROOT,
  type CliResult,
  type EngineSandbox,
} from './engine';

const PROJECT = 'kafka-eks-autoscaling';
const STACK = 'zones';
const binaries = engineBinaries();
const describeEngine = binaries === undefined ? describe.skip : describe;

const DEPLOYED = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/** stacks/dev.yaml with `zones` (and one broker per zone), written into the sandbox's project. */
function writeSpec(sandbox: EngineSandbox, file: string, zones: readonly string[]): string {
  const spec = parse(readFileSync(join(REPO_ROOT, 'stacks', 'dev.yaml'), 'utf8')) as {
    zones: string[];
    kafka: { brokers: number };
  };
  spec.zones = [...zones];
  spec.kafka.brokers = zones.length;
  const path = `stacks/${file}`;
  writeFileSync(join(sandbox.projectDir, path), stringify(spec));
  return path;
}

/** `pulumi <command>` with engine events on stdout and the engine log on stderr. */
function runJson(sandbox: EngineSandbox, command: 'preview' | 'up'): Promise<CliResult> {
  const args =
    command === 'preview'
      ? ['preview', '--non-interactive', '--json', '--logtostderr', '-v=5']
      : ['up', '--yes', '--skip-preview', '--non-interactive', '--json', '--logtostderr', '-v=5'];
  return sandbox.run(args, { env: { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: 'true' } });
}

function errorsOf(result: CliResult): string[] {
  return parseEvents(result.stdout)
    .flatMap(event => (event.diagnosticEvent === undefined ? [] : [event.diagnosticEvent]))
    .filter(diagnostic => diagnostic.severity === 'error')
    .map(diagnostic => diagnostic.message);
}

/** The outputs of the stack resource in the stack's state. */
async function stackOutputs(sandbox: EngineSandbox): Promise<Record<string, unknown>> {
  const exported = JSON.parse((await mustRun(sandbox, ['stack', 'export'])).stdout) as {
    deployment: {
      resources?: Array<{ type: string; outputs?: Record<string, unknown> }>;
    };
  };
  const stack = (exported.deployment.resources ?? []).find(
    resource => resource.type === 'pulumi:pulumi:Stack',
  );
  return stack?.outputs ?? {};
}

/** A refused run: one error, the zones message, no stack trace, nothing but the stack registered. */
function expectRefused(result: CliResult): void {
  expect(result.code).not.toBe(0);
  const errors = errorsOf(result);
  expect(errors).toHaveLength(1);
  const message = errors[0] ?? '';
  expect(message).toContain(
    'zones: ["us-east-1b", "us-east-1a", "us-east-1c"] does not keep the zones the stack last deployed, ["us-east-1a", "us-east-1b", "us-east-1c"] (stack output zoneOrder)',
  );
  expect(message).toContain('Fix: use zones ["us-east-1a", "us-east-1b", "us-east-1c"]');
  expect(message).not.toMatch(/unhandled exception|\n\s+at /);
  expect(parseRegistrations(result.stderr).map(r => r.type)).toEqual(['pulumi:pulumi:Stack']);
}

/** An accepted run: the program ran on past the guard to the AWS provider, whose missing plugin is the only error. */
function expectAccepted(result: CliResult): void {
  expect(result.code).not.toBe(0);
  const errors = errorsOf(result);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^no resource plugin 'pulumi-resource-aws' found/);
  // The guard passed: the run went on to the program's first AWS call, the zone check
  // (components/lib/available-zones.ts), which stops at the missing plugin before any resource.
  expect(parseRegistrations(result.stderr).map(r => r.type)).toEqual(['pulumi:pulumi:Stack']);
}

/**
 * A new stack `STACK` whose last deployment, made by a real `pulumi up` of a stand-in program in
 * the project, exported what the program exports for zones a, b, c; the spec set is those zones.
 */
async function deployStandIn(sandbox: EngineSandbox): Promise<void> {
  const program = programEntry(sandbox.projectDir);
  const realProgram = readFileSync(program, 'utf8');
  await mustRun(sandbox, ['stack', 'init', STACK]);
  await mustRun(sandbox, [
    'config',
    'set',
    `${PROJECT}:spec`,
    writeSpec(sandbox, 'abc.yaml', DEPLOYED),
  ]);
  writeFileSync(
    program,
    `export const zoneOrder = ${JSON.stringify(DEPLOYED)};\nexport const clusterName = 'orders-dev';\n`,
  );
  await mustRun(sandbox, ['up', '--yes', '--skip-preview', '--non-interactive']);
  writeFileSync(program, realProgram);
  expect(await stackOutputs(sandbox)).toEqual({ zoneOrder: DEPLOYED, clusterName: 'orders-dev' });
}

describeEngine('zones against the last deployment, under the real engine', () => {
  let sandbox: EngineSandbox;

  beforeAll(async () => {
    if (binaries === undefined) return;
    sandbox = await createSandbox(binaries);
    // GIVEN a stack whose last deployment exported zones a, b, c, made by a real `pulumi up`
    await deployStandIn(sandbox);
  });
  afterAll(() => sandbox?.dispose());

  it('preview runs on for the deployed zones unchanged', async () => {
    await mustRun(sandbox, ['config', 'set', `${PROJECT}:spec`, 'stacks/abc.yaml']);
    expectAccepted(await runJson(sandbox, 'preview'));
  });

  it('preview and up stop on [b, a, c] with the message, before any resource, and keep the deployed zoneOrder', async () => {
    await mustRun(sandbox, [
      'config',
      'set',
      `${PROJECT}:spec`,
      writeSpec(sandbox, 'bac.yaml', ['us-east-1b', 'us-east-1a', 'us-east-1c']),
    ]);

    expectRefused(await runJson(sandbox, 'preview'));
    expectRefused(await runJson(sandbox, 'up'));

    // The refused up left the deployed order, so the next run refuses it again.
    expect((await stackOutputs(sandbox))['zoneOrder']).toEqual(DEPLOYED);
    expectRefused(await runJson(sandbox, 'up'));
  });

  it('preview runs on for [a, b, c, d] (a zone appended at the end)', async () => {
    await mustRun(sandbox, [
      'config',
      'set',
      `${PROJECT}:spec`,
      writeSpec(sandbox, 'abcd.yaml', [...DEPLOYED, 'us-east-1d']),
    ]);
    expectAccepted(await runJson(sandbox, 'preview'));
  });

  it('preview and up stop on a Kubernetes version older than the deployed one (kubernetesVersion 1.35, spec 1.34), before any resource', async () => {
    // GIVEN the same stack, last deployed with kubernetesVersion 1.35 too (rancher/rancher#43316:
    // EKS refuses "Unsupported Kubernetes minor version update from 1.25 to 1.24")
    const program = programEntry(sandbox.projectDir);
    const realProgram = readFileSync(program, 'utf8');
    writeFileSync(
      program,
      `export const zoneOrder = ${JSON.stringify(DEPLOYED)};\nexport const clusterName = 'orders-dev';\nexport const kubernetesVersion = '1.35';\n`,
    );
    await mustRun(sandbox, ['config', 'set', `${PROJECT}:spec`, 'stacks/abc.yaml']);
    await mustRun(sandbox, ['up', '--yes', '--skip-preview', '--non-interactive']);
    writeFileSync(program, realProgram);

    for (const command of ['preview', 'up'] as const) {
      const result = await runJson(sandbox, command);
      expect(result.code).not.toBe(0);
      const errors = errorsOf(result);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /^cluster\.kubernetesVersion: "1\.34" is older than the version the stack last deployed "1\.35" \(stack output kubernetesVersion\)/,
      );
      expect(errors[0]).not.toMatch(/unhandled exception|\n\s+at /);
      expect(parseRegistrations(result.stderr).map(r => r.type)).toEqual(['pulumi:pulumi:Stack']);
    }
    expect((await stackOutputs(sandbox))['kubernetesVersion']).toBe('1.35');
  });

  it('a first deployment has nothing to compare with: preview of [b, a, c] on a new stack runs on', async () => {
    await mustRun(sandbox, ['stack', 'init', 'first']);
    await mustRun(sandbox, ['config', 'set', `${PROJECT}:spec`, 'stacks/bac.yaml']);
    expectAccepted(await runJson(sandbox, 'preview'));
  });
});

/**
 * `pulumi login --local` (documented in docs/deploy-to-aws.md) on a `~/.pulumi` made by a CLI from
 * before project-scoped DIY stacks (early 2023) keeps that state's legacy layout, in which a stack
 * is named without its project and a StackReference name may hold no `/` (the CLI warns that the
 * layout is deprecated, https://github.com/pulumi/pulumi/issues/19566, but 3.248.0 still uses it).
 * The program must still read its last deployment there, not stop every run at the StackReference.
 * Cost: one stand-in `up` and one refused preview, about 30 s of CPU.
 */
describeEngine('zones against the last deployment, on a file backend in the legacy layout', () => {
  let sandbox: EngineSandbox;

  beforeAll(async () => {
    if (binaries === undefined) return;
    sandbox = await createSandbox(binaries, {
      env: {
        PULUMI_DIY_BACKEND_LEGACY_LAYOUT: 'true',
        PULUMI_DIY_BACKEND_IGNORE_DEPRECATION_WARNING: 'true',
      },
    });
    await deployStandIn(sandbox);
  });
  afterAll(() => sandbox?.dispose());

  it('preview stops on [b, a, c] with the zones message (the deployed zoneOrder was read)', async () => {
    await mustRun(sandbox, [
      'config',
      'set',
      `${PROJECT}:spec`,
      writeSpec(sandbox, 'bac.yaml', ['us-east-1b', 'us-east-1a', 'us-east-1c']),
    ]);
    expectRefused(await runJson(sandbox, 'preview'));
  });
});
