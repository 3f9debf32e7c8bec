/** Exit codes of the bare program: help asked for is success, a missing subcommand is a usage error. */
import { runCli } from '../../cli/program';

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: text => {
      stdout += text;
    },
    stderr: text => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

describe('kafka-eks with no subcommand', () => {
  it('prints the usage to stderr and exits 1 (usage error)', async () => {
    const result = await run();
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: kafka-eks');
  });

  it.each([['--help'], ['-h'], ['help']])('exits 0 when help is asked for (%s)', async flag => {
    const result = await run(flag);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: kafka-eks');
  });
});
