/**
 * Which provider plugins the real engine says the project needs. The Node.js language host lists
 * them (`GetRequiredPackages`) by walking the `node_modules` under the program directory, the
 * folder of `main` in `Pulumi.yaml`, for packages whose package.json declares a resource plugin.
 * `pulumi about`, `pulumi plugin install` (no arguments) and the engine's up-front plugin install
 * all use that list. With `main: stacks/index.ts` the walk started in `stacks/`, which holds no
 * `node_modules`: the list was empty, so `pulumi plugin install` installed nothing and exited 0,
 * and no plugin could be fetched before the program ran (a runner being prepared for no network
 * got no plugins).
 *
 * The checks: `pulumi about --output json` in the project copy must list, as resource plugins, exactly
 * the `@pulumi/*` provider packages of package.json's dependencies, each at its installed version
 * (the version of package-lock.json); and, with automatic plugin download on (a user's default)
 * but no network, `pulumi plugin install` must fail on the AWS plugin instead of exiting 0, and
 * `pulumi preview` must stop at the AWS provider with the message docs/deploy-to-aws.md quotes,
 * before any resource is created. "No network" is an HTTP(S) proxy that refuses every connection
 * (127.0.0.1:9), so nothing is downloaded even where the network is up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createSandbox,
  engineBinaries,
  installedVersion,
  mustRun,
  parseEvents,
  REPO_ROOT,
  type EngineSandbox,
} from './engine';

const binaries = engineBinaries();
const describeEngine = binaries === undefined ? describe.skip : describe;

interface PluginInfo {
  readonly name: string;
  readonly version: string;
  readonly kind: string;
}

/** The plugin each provider package of package.json's dependencies declares, at its installed version. */
function expectedPlugins(): PluginInfo[] {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  return Object.keys(manifest.dependencies)
    .filter(name => name.startsWith('@pulumi/'))
    .flatMap(name => {
      const installed = JSON.parse(
        readFileSync(join(REPO_ROOT, 'node_modules', ...name.split('/'), 'package.json'), 'utf8'),
      ) as { pulumi?: { resource?: boolean; name?: string } };
      if (installed.pulumi?.resource !== true) return [];
      return [
        {
          name: installed.pulumi.name ?? name.slice('@pulumi/'.length),
          version: installedVersion(name),
          kind: 'resource',
        },
      ];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

describeEngine('the provider plugins the real engine finds for the project', () => {
  let sandbox: EngineSandbox;

  beforeAll(async () => {
    if (binaries === undefined) return;
    sandbox = await createSandbox(binaries);
  });
  afterAll(() => sandbox?.dispose());

  it('pulumi about lists every @pulumi provider package as a resource plugin, at its installed version', async () => {
    const expected = expectedPlugins();
    expect(expected.map(plugin => plugin.name)).toEqual(['aws', 'eks', 'kubernetes']);
    await mustRun(sandbox, ['stack', 'init', 'plugins']);

    const about = JSON.parse((await mustRun(sandbox, ['about', '--output', 'json'])).stdout) as {
      plugins?: PluginInfo[];
    };

    const resourcePlugins = (about.plugins ?? [])
      .filter(plugin => plugin.kind === 'resource')
      .map(({ name, version, kind }) => ({ name, version, kind }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(resourcePlugins).toEqual(expected);
  });

  /** The sandbox environment of a user with automatic plugin download on and no network. */
  const OFFLINE: NodeJS.ProcessEnv = {
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: undefined,
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: undefined,
    https_proxy: undefined,
    http_proxy: undefined,
    no_proxy: undefined,
  };

  it('without network, pulumi plugin install fails on the AWS plugin (it exited 0 having installed nothing)', async () => {
    const result = await sandbox.run(['plugin', 'install'], { env: OFFLINE });

    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain(
      `[resource plugin aws-${installedVersion('@pulumi/aws')}] installing`,
    );
  });

  it('without network, pulumi preview stops at the AWS provider with the documented message, creating nothing', async () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'deploy-to-aws.md'), 'utf8');
    const documented = /a runner without network[^"]*"([^"]+)"/i.exec(
      doc.replace(/\s+/g, ' '),
    )?.[1];
    expect(documented).toBe(
      `Could not automatically download and install resource plugin 'pulumi-resource-aws' at version v${installedVersion('@pulumi/aws')}`,
    );
    await mustRun(sandbox, ['stack', 'init', 'offline']);
    await mustRun(sandbox, ['config', 'set', 'aws:region', 'us-east-1']);
    await mustRun(sandbox, ['config', 'set', 'kafka-eks-autoscaling:spec', 'stacks/dev.yaml']);

    const result = await sandbox.run(['preview', '--non-interactive', '--json'], {
      env: { ...OFFLINE, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: 'true' },
    });

    expect(result.code).not.toBe(0);
    const errors = parseEvents(result.stdout)
      .flatMap(event => (event.diagnosticEvent === undefined ? [] : [event.diagnosticEvent]))
      .filter(diagnostic => diagnostic.severity === 'error')
      .map(diagnostic => diagnostic.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(documented);
    const exported = JSON.parse((await mustRun(sandbox, ['stack', 'export'])).stdout) as {
      deployment: { resources?: unknown[] };
    };
    expect(exported.deployment.resources ?? []).toEqual([]);
  });
});
