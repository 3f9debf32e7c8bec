/**
 * The entry point the Pulumi engine runs (`main` in `Pulumi.yaml`): the program itself is
 * `stacks/index.ts`; this file only re-exports it.
 *
 * It sits at the project root because the Node.js language host takes the folder of `main` as the
 * program directory and looks for provider plugins only in the `node_modules` under that folder
 * (pulumi-language-nodejs `GetRequiredPackages`). With `main: stacks/index.ts` it found none, so
 * `pulumi about` listed no plugin and `pulumi plugin install` installed nothing, silently, and the
 * engine could not fetch the `aws`, `eks` and `kubernetes` plugins before running the program.
 * From here it finds each `@pulumi/*` provider package at its installed version (checked under
 * the real engine by test/engine/plugins.test.ts).
 */
import program from './stacks/index';

export = program;
