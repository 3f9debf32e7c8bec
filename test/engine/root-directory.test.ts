/**
 * The fact the program's path rule rests on, checked under the real engine: the Node.js language
 * host starts the program in the folder that holds `main`, and `pulumi.runtime.getRootDirectory()`
 * returns the folder of `Pulumi.yaml`. A one-file probe project with no cloud resources is deployed
 * to the sandbox's file backend and reports both as stack outputs.
 */
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSandbox, engineBinaries, mustRun, REPO_ROOT, type EngineSandbox } from './engine';

const binaries = engineBinaries();
const describeEngine = binaries === undefined ? describe.skip : describe;

describeEngine('the engine runs the program in the folder of main', () => {
  let sandbox: EngineSandbox;

  beforeAll(async () => {
    if (binaries === undefined) return;
    sandbox = await createSandbox(binaries, { copyProject: false });
  });
  afterAll(() => sandbox?.dispose());

  it('reports the folder of Pulumi.yaml as the root directory, and the folder of main as the working directory', async () => {
    const dir = sandbox.projectDir;
    mkdirSync(join(dir, 'sub'));
    writeFileSync(
      join(dir, 'Pulumi.yaml'),
      'name: root-probe\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: sub/index.ts\n',
    );
    writeFileSync(join(dir, 'package.json'), '{ "name": "root-probe", "private": true }\n');
    writeFileSync(
      join(dir, 'sub', 'index.ts'),
      [
        "import * as pulumi from '@pulumi/pulumi';",
        'export const rootDirectory = pulumi.runtime.getRootDirectory();',
        'export const workingDirectory = process.cwd();',
        '',
      ].join('\n'),
    );
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');

    await mustRun(sandbox, ['stack', 'init', 'probe']);
    await mustRun(sandbox, ['up', '--yes', '--skip-preview', '--non-interactive']);
    const outputs = JSON.parse((await mustRun(sandbox, ['stack', 'output', '--json'])).stdout) as {
      rootDirectory: string;
      workingDirectory: string;
    };

    expect(realpathSync(outputs.rootDirectory)).toBe(realpathSync(dir));
    expect(realpathSync(outputs.workingDirectory)).toBe(realpathSync(join(dir, 'sub')));
  });
});
