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
 * The check: `pulumi about --json` in the project copy must list, as resource plugins, exactly the
 * `@pulumi/*` provider packages of package.json's dependencies, each at its installed version
 * (the version of package-lock.json). No plugin is downloaded (`pulumi about` only lists).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createSandbox,
  engineBinaries,
  installedVersion,
  mustRun,
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

    const about = JSON.parse((await mustRun(sandbox, ['about', '--json'])).stdout) as {
      plugins?: PluginInfo[];
    };

    const resourcePlugins = (about.plugins ?? [])
      .filter(plugin => plugin.kind === 'resource')
      .map(({ name, version, kind }) => ({ name, version, kind }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(resourcePlugins).toEqual(expected);
  });
});
