/**
 * controller/Dockerfile and .dockerignore agree: every file the Dockerfile copies from the build
 * context is let through, node_modules and build output are kept out, and every local source the
 * controller bundle reads is inside a copied folder. Checked without a builder: .dockerignore is
 * an allow-list (`*`, then `!path` lines), which this test reads as such.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = join(__dirname, '..', '..');

function allowList(): string[] {
  const lines = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '' && !line.startsWith('#'));
  expect(lines[0]).toBe('*');
  return lines.filter(line => line.startsWith('!')).map(line => line.slice(1).replace(/\/$/, ''));
}

function allowed(path: string, allow: readonly string[]): boolean {
  return allow.some(entry => path === entry || path.startsWith(`${entry}/`));
}

/** Sources of `COPY` lines that read the build context (not `--from=` another stage). */
function contextCopies(): string[] {
  const dockerfile = readFileSync(join(ROOT, 'controller', 'Dockerfile'), 'utf8');
  return dockerfile
    .split('\n')
    .filter(line => /^COPY\s/.test(line) && !line.includes('--from='))
    .flatMap(line => {
      const parts = line.trim().split(/\s+/).slice(1);
      return parts.slice(0, -1);
    });
}

describe('image build context', () => {
  const allow = allowList();

  it('lets through every file the Dockerfile copies from the context', () => {
    const copies = contextCopies();
    expect(copies).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json', 'controller']),
    );
    for (const source of copies)
      expect({ source, allowed: allowed(source, allow) }).toEqual({ source, allowed: true });
  });

  it('keeps node_modules, build output and the repository history out', () => {
    for (const path of [
      'node_modules',
      'node_modules/yaml/package.json',
      'dist',
      'build',
      'lib',
      '.git',
      'test',
    ]) {
      expect({ path, allowed: allowed(path, allow) }).toEqual({ path, allowed: false });
    }
  });

  it('copies every local source the controller bundle reads', () => {
    const result = buildSync({
      entryPoints: [join(ROOT, 'controller', 'main.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      write: false,
      metafile: true,
      outfile: 'main.js',
      logLevel: 'silent',
      absWorkingDir: ROOT,
    });
    const local = Object.keys(result.metafile.inputs).filter(
      input => !input.startsWith('node_modules/'),
    );
    expect(local.length).toBeGreaterThan(10);
    const copied = contextCopies();
    for (const input of local) {
      expect({ input, copied: allowed(input, copied) && allowed(input, allow) }).toEqual({
        input,
        copied: true,
      });
    }
  });
});
