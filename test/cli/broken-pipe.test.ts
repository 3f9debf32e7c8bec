/**
 * A reader that closes the pipe before the CLI writes (`kafka-eks -h | head -3`, `| true`) must not
 * turn into an EPIPE stack trace or a non-zero exit: the command's own exit code stands.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function runIntoClosedPipe(args: string): { status: string; stderr: string } {
  // `true` exits at once, long before the CLI has started, so every write meets a closed pipe.
  const result = spawnSync(
    'bash',
    ['-c', `"${TSX}" cli/main.ts ${args} | true; echo "status=\${PIPESTATUS[0]}"`],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return { status: result.stdout.trim(), stderr: result.stderr };
}

describe('kafka-eks into a closed pipe', () => {
  it('help exits 0 without an EPIPE error', () => {
    const result = runIntoClosedPipe('-h');
    expect(result.stderr).not.toContain('EPIPE');
    expect(result.status).toBe('status=0');
  }, 60_000);

  it('a bad option still exits 1 with its message, not an EPIPE error', () => {
    const result = runIntoClosedPipe('synth --confg x');
    expect(result.stderr).not.toContain('EPIPE');
    expect(result.stderr).toContain("unknown option '--confg'");
    expect(result.status).toBe('status=1');
  }, 60_000);
});
