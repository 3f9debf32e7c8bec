/**
 * `writeFileAtomically` (simulator/write-file.ts) where the path is a link: the write replaces the
 * file the link leads to and keeps the link, as a shell's `>` does, for every caller
 * (`simulate --svg`, `npm run docs`, the bench results, the bin's code cache). Before, only
 * `simulate --svg` followed the link (in `cli/paths.ts`); the writer itself renamed the new file
 * over the link, so `npm run docs` on a README that is a link turned the user's link into a file
 * of its own and left the file it pointed at stale. A link to nothing is refused, naming it.
 */
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { updateReadme } from '../../scripts/docs';
import { writeFileAtomically } from '../../simulator/write-file';

const ROOT = join(__dirname, '..', '..');

/** Every entry under `folder` (links not followed): its kind and, for a link, where it points. */
function tree(folder: string, at = folder): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of readdirSync(at)) {
    const path = join(at, name);
    const key = relative(folder, path);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) entries[key] = `link -> ${readlinkSync(path)}`;
    else if (stat.isDirectory()) Object.assign(entries, { [key]: 'folder' }, tree(folder, path));
    else entries[key] = `file ${readFileSync(path, 'utf8')}`;
  }
  return entries;
}

describe('writeFileAtomically through a link', () => {
  const work = mkdtempSync(join(tmpdir(), 'write-file-links-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('property: over chains of links, the links stay and only the file at the end changes', () => {
    let case_ = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ sub: fc.boolean(), absolute: fc.boolean() }), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.string({ maxLength: 40 }),
        (links, text) => {
          // GIVEN a file and a chain of links to it, each in the folder or a subfolder
          const folder = join(work, `chain-${String(case_++)}`);
          mkdirSync(join(folder, 'sub'), { recursive: true });
          writeFileSync(join(folder, 'notes.txt'), 'mine');
          let target = join(folder, 'sub', 'real.svg');
          writeFileSync(target, 'old');
          links.forEach((link, index) => {
            const at = join(folder, link.sub ? 'sub' : '', `link-${String(index)}.svg`);
            symlinkSync(link.absolute ? target : relative(join(at, '..'), target), at);
            target = at;
          });
          const before = tree(folder);
          // WHEN the outermost link is written
          writeFileAtomically(target, text);
          // THEN every link is as it was, and the file at the end holds the new text
          expect(tree(folder)).toEqual({ ...before, 'sub/real.svg': `file ${text}` });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a link to nothing, naming it, and writes nothing', () => {
    const folder = join(work, 'dangling');
    mkdirSync(folder);
    symlinkSync('missing/chart.svg', join(folder, 'chart.svg'));
    const before = tree(folder);
    expect(() => writeFileAtomically(join(folder, 'chart.svg'), '<svg/>')).toThrow(
      `${join(folder, 'chart.svg')}: is a link to missing/chart.svg, which does not exist; fix the link or remove it, then run again`,
    );
    expect(tree(folder)).toEqual(before);
  });

  it('npm run docs on a README that is a link rewrites the file it points at and keeps the link', () => {
    // GIVEN a README kept elsewhere, linked into the checkout, with its generated section stale
    const folder = join(work, 'docs');
    mkdirSync(join(folder, 'shared'), { recursive: true });
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('\n', readme.indexOf('<!-- spec-reference:start')) + 1;
    const stale = `${readme.slice(0, start)}${readme.slice(readme.indexOf('<!-- spec-reference:end -->'))}`;
    writeFileSync(join(folder, 'shared', 'README.md'), stale);
    symlinkSync('shared/README.md', join(folder, 'README.md'));
    // WHEN the docs are regenerated through the link
    expect(updateReadme(join(folder, 'README.md'))).toBe(true);
    // THEN the link is still a link, and the file it points at holds the new section
    expect(readlinkSync(join(folder, 'README.md'))).toBe('shared/README.md');
    expect(readFileSync(join(folder, 'shared', 'README.md'), 'utf8')).toBe(readme);
    expect(readdirSync(folder).sort()).toEqual(['README.md', 'shared']);
  });
});
