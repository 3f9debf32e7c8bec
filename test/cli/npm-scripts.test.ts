/**
 * The README runs every subcommand as `npm run <subcommand> -- <options>`: each such script must
 * reach the kafka-eks CLI (option checks, did-you-mean, help, exit codes), not an entry file of its
 * own. `npm run status` once ran an entry file of its own (`stacks/status-cli.ts`, since removed) directly, so a mistyped option got no
 * suggestion and `-h` printed a different help.
 *
 * Each runs the CLI in one process, Node with tsx's loader (`node --import tsx`), never the tsx
 * binary: that one runs the program in a child and, 60 ms after a SIGINT or SIGTERM the child has
 * not answered, kills it with SIGKILL; a synth busy in its synchronous write cannot answer, so a
 * Ctrl-C then left a half-swapped folder instead of the held signal of `cli/hold-signals.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProgram } from '../../cli/program';

const ROOT = join(__dirname, '..', '..');

describe('npm scripts of the CLI subcommands', () => {
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const program = createProgram({ stdout: () => undefined, stderr: () => undefined }, { code: 0 });
  const subcommands = program.commands.map(command => command.name());

  it('lists the subcommands the README names', () => {
    expect(subcommands).toEqual(
      expect.arrayContaining(['synth', 'plan', 'simulate', 'plan-capacity', 'cost', 'status']),
    );
  });

  it.each(subcommands)('`npm run %s` runs the CLI subcommand', name => {
    expect(scripts[name]).toBe(`node --import tsx cli/main.ts ${name}`);
  });

  it('`npm run kafka-eks` runs the CLI itself', () => {
    expect(scripts['kafka-eks']).toBe('node --import tsx cli/main.ts');
  });
});
