/**
 * The guarded spec fields (spec/stateful-identity.ts, components/lib/zone-order-guard.ts
 * `refuseStatefulChanges`) under the real engine: the program reads the stack output
 * `statefulIdentity` of the stack's last deployment through a StackReference to its own stack,
 * and stops before it registers any resource when a guarded field changed.
 *
 * As in zone-order.test.ts, the AWS provider plugin cannot be had here, so the deployment the
 * program would have left is made by a real `pulumi up` of a stand-in program in the same project
 * and stack that exports what the program exports for stacks/dev.yaml (its `statefulIdentity`,
 * computed by the same `statefulIdentityOf`). A refused edit ends with the one message and only the
 * stack registered; an accepted one runs on to the AWS provider, whose missing plugin is its only
 * error. That the accepted edits replace nothing is shown under mocks over the inputs that force a
 * replacement (test/components/stateful-identity.test.ts). Cost: one `up` and two previews.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadSpecFile } from '../../spec/load';
import { statefulIdentityOf } from '../../spec/stateful-identity';
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
const binaries = engineBinaries();
const describeEngine = binaries === undefined ? describe.skip : describe;
const DEV_SPEC = join(REPO_ROOT, 'stacks', 'dev.yaml');

/** stacks/dev.yaml with `edit` applied, written into the sandbox's project; its relative path. */
function writeSpec(
  sandbox: EngineSandbox,
  file: string,
  edit: (spec: Record<string, unknown> & { cluster?: Record<string, unknown> }) => void,
): string {
  const spec = parse(readFileSync(DEV_SPEC, 'utf8')) as Record<string, unknown>;
  edit(spec);
  const path = `stacks/${file}`;
  writeFileSync(join(sandbox.projectDir, path), stringify(spec));
  return path;
}

function preview(sandbox: EngineSandbox): Promise<CliResult> {
  return sandbox.run(['preview', '--non-interactive', '--json', '--logtostderr', '-v=5'], {
    env: { PULUMI_ENABLE_STREAMING_JSON_PREVIEW: 'true' },
  });
}

function errorsOf(result: CliResult): string[] {
  return parseEvents(result.stdout)
    .flatMap(event => (event.diagnosticEvent === undefined ? [] : [event.diagnosticEvent]))
    .filter(diagnostic => diagnostic.severity === 'error')
    .map(diagnostic => diagnostic.message);
}

describeEngine('guarded spec fields against the last deployment, under the real engine', () => {
  let sandbox: EngineSandbox;

  beforeAll(async () => {
    if (binaries === undefined) return;
    sandbox = await createSandbox(binaries);
    // GIVEN a stack whose last deployment exported what the program exports for dev.yaml
    const program = programEntry(sandbox.projectDir);
    const realProgram = readFileSync(program, 'utf8');
    const identity = statefulIdentityOf(loadSpecFile(DEV_SPEC).spec);
    await mustRun(sandbox, ['stack', 'init', 'identity']);
    await mustRun(sandbox, ['config', 'set', `${PROJECT}:spec`, 'stacks/dev.yaml']);
    writeFileSync(
      program,
      [
        `export const statefulIdentity = ${JSON.stringify(identity)};`,
        `export const zoneOrder = ${JSON.stringify(identity['zones'])};`,
        `export const clusterName = 'orders-dev';`,
        '',
      ].join('\n'),
    );
    await mustRun(sandbox, ['up', '--yes', '--skip-preview', '--non-interactive']);
    writeFileSync(program, realProgram);
  });
  afterAll(() => sandbox?.dispose());

  it('preview stops on a changed name and cluster.vpcCidr, naming both, before any resource', async () => {
    // WHEN the spec renames the platform and moves the VPC range
    const file = writeSpec(sandbox, 'renamed.yaml', spec => {
      spec['name'] = 'orders-dev2';
      spec.cluster = { ...(spec.cluster ?? {}), vpcCidr: '10.42.0.0/16' };
    });
    await mustRun(sandbox, ['config', 'set', `${PROJECT}:spec`, file]);
    const result = await preview(sandbox);

    // THEN one error, one line per field with both values and the fix, no stack trace
    expect(result.code).not.toBe(0);
    const errors = errorsOf(result);
    expect(errors).toHaveLength(1);
    const lines = (errors[0] ?? '').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^name: "orders-dev2" differs from "orders-dev", which the stack was deployed with \(stack output statefulIdentity\).*Fix: keep "orders-dev"/,
    );
    expect(lines[1]).toMatch(
      /^cluster\.vpcCidr: "10\.42\.0\.0\/16" differs from "10\.0\.0\.0\/16".*Fix: keep "10\.0\.0\.0\/16"/,
    );
    expect(errors[0]).not.toMatch(/unhandled exception|\n\s+at /);
    // AND nothing but the stack was registered
    expect(parseRegistrations(result.stderr).map(r => r.type)).toEqual(['pulumi:pulumi:Stack']);
  });

  it('preview runs on for unguarded edits (tags, endpoint CIDRs, volume size)', async () => {
    const file = writeSpec(sandbox, 'tuned.yaml', spec => {
      spec.cluster = {
        ...(spec.cluster ?? {}),
        tags: { team: 'payments' },
        publicEndpointCidrs: ['203.0.113.0/24'],
      };
      const kafka = spec['kafka'] as { storage: { sizeGi: number } };
      kafka.storage.sizeGi = 80;
    });
    await mustRun(sandbox, ['config', 'set', `${PROJECT}:spec`, file]);
    const result = await preview(sandbox);

    expect(result.code).not.toBe(0);
    const errors = errorsOf(result);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^no resource plugin 'pulumi-resource-aws' found/);
    // The guard passed: the run went on to the program's first AWS call, the zone check
    // (components/lib/available-zones.ts), which stops at the missing plugin before any resource.
    expect(parseRegistrations(result.stderr).map(r => r.type)).toEqual(['pulumi:pulumi:Stack']);
  });
});
