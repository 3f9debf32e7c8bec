/**
 * The package's entry points: package.json `exports`, `typesVersions`, `bin` and `files` agree
 * with the sources and the build config, and each entry exports what the README documents. The
 * examples tier (`npm run test:examples`) proves the same from an installed tarball.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Manifest {
  main: string;
  types: string;
  exports: Record<string, string | { types: string; default: string }>;
  typesVersions: Record<string, Record<string, string[]>>;
  bin: Record<string, string>;
  files: string[];
  scripts: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const buildConfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
  compilerOptions: { outDir: string; declaration: boolean };
  include: string[];
};

/** `./lib/api/x.js` -> `api/x.ts`: the source tsc compiles it from. */
function sourceOf(built: string): string {
  const relative = built.replace(/^\.\//, '');
  expect(relative.startsWith(`${buildConfig.compilerOptions.outDir}/`)).toBe(true);
  return relative
    .slice(buildConfig.compilerOptions.outDir.length + 1)
    .replace(/\.d\.ts$|\.js$/, '.ts');
}

describe('package.json entry points', () => {
  it('maps every export to a source file the build compiles, with declarations', () => {
    expect(buildConfig.compilerOptions.declaration).toBe(true);
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath === './package.json') continue;
      if (typeof target === 'string') throw new Error(`${subpath} has no types condition`);
      expect(sourceOf(target.types)).toBe(sourceOf(target.default));
      const source = sourceOf(target.default);
      expect(existsSync(join(ROOT, source))).toBe(true);
      expect(buildConfig.include.some(pattern => source.startsWith(pattern.split('/')[0]!))).toBe(
        true,
      );
      const name = subpath.replace(/^\.\/?/, '');
      if (name !== '') {
        expect(manifest.typesVersions['*']?.[name]).toEqual([target.types.replace(/^\.\//, '')]);
      }
    }
    expect(manifest.exports['.']).toEqual({
      types: `./${manifest.types}`,
      default: `./${manifest.main}`,
    });
  });

  it('publishes the build folder and builds it before packing', () => {
    expect(manifest.files).toContain(`${buildConfig.compilerOptions.outDir}/`);
    expect(manifest.scripts['prepack']).toContain('build:lib');
    expect(manifest.scripts['build:lib']).toContain('tsc -p tsconfig.build.json');
  });

  it('ships what the bundled bin finds relative to the package root: Pulumi.yaml, stacks/*.yaml', () => {
    // The bin is one bundle in lib/cli/, so every module in it sees __dirname = lib/cli: the mock
    // plan reads <root>/Pulumi.yaml and starts the program in the folder of its main (the root).
    expect(manifest.files).toEqual(expect.arrayContaining(['Pulumi.yaml', 'stacks/*.yaml']));
    const pulumiYaml = readFileSync(join(ROOT, 'Pulumi.yaml'), 'utf8');
    expect(pulumiYaml).toMatch(/^main: index\.ts$/m);
  });

  it('runs the bin from the compiled bundle of cli/main.ts, which starts with a shebang', () => {
    // build:bin (scripts/build-bin.mjs) bundles cli/main.ts and the executable cli/bin.ts, which
    // runs that bundle, into lib/cli/ with esbuild; test/cli/code-cache.test.ts runs the result.
    expect(manifest.bin['kafka-eks']).toBe('lib/cli/kafka-eks.js');
    expect(manifest.scripts['build:bin']).toBe('node scripts/build-bin.mjs');
    const buildBin = readFileSync(join(ROOT, 'scripts', 'build-bin.mjs'), 'utf8');
    expect(buildBin).toContain("const OUT = join(ROOT, 'lib', 'cli');");
    expect(buildBin).toContain("entryPoints: ['cli/main.ts']");
    expect(buildBin).toMatch(
      /entryPoints: \['cli\/bin\.ts'\],\s*outfile: join\(OUT, 'kafka-eks\.js'\),\s*banner: \{ js: '#!\/usr\/bin\/env node' \}/,
    );
    expect(
      readFileSync(join(ROOT, 'cli', 'main.ts'), 'utf8').startsWith('#!/usr/bin/env node\n'),
    ).toBe(true);
  });

  it('each entry exports what the README documents', async () => {
    const spec = await import('../../api/spec');
    expect(typeof spec.loadSpec).toBe('function');
    expect(typeof spec.validateSpec).toBe('function');
    expect(typeof spec.derivePlatform).toBe('function');
    expect(typeof spec.SpecError).toBe('function');
    const cdk8s = await import('../../api/cdk8s');
    expect(typeof cdk8s.KafkaPlatform).toBe('function');
    expect(typeof cdk8s.KafkaChart).toBe('function');
    expect(typeof cdk8s.synthPlatform).toBe('function');
    const root = await import('../../api/index');
    expect(root.KafkaPlatform).toBe(cdk8s.KafkaPlatform);
    expect(root.loadSpec).toBe(spec.loadSpec);
    expect(Object.keys(root)).not.toContain('KafkaEksPlatform');
    const testing = await import('../../api/testing');
    expect(typeof testing.kafkaEksPlatformMocks).toBe('function');
    expect(testing.MOCK_ORGANIZATION).toBe('organization');
    const pulumiEntry = await import('../../api/pulumi');
    expect(typeof pulumiEntry.KafkaEksPlatform).toBe('function');
    expect(typeof pulumiEntry.refuseMovedZones).toBe('function');
    expect(pulumiEntry.ZONE_ORDER_OUTPUT).toBe('zoneOrder');
  });

  it('validateSpec names the field of a bad spec', async () => {
    const { validateSpec } = await import('../../api/spec');
    expect(() => validateSpec({ name: 'x' }, 'mine.yaml')).toThrow(/mine\.yaml[\s\S]*region/);
  });
});
