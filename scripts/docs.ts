/**
 * `npm run docs`: regenerates the spec reference table in README.md, through the writer every
 * command that replaces a user's file uses (`writeFileAtomically`, simulator/write-file.ts): the
 * new text goes to a temporary file beside it (`.README.md.<pid>.tmp`), flushed, then renamed over
 * README.md, which keeps its permission bits; a failed or killed run leaves the old README.md
 * whole, and the next run removes what a killed one left. An unchanged README.md is not touched.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSpecReference } from '../spec/docs';
import { writeFileAtomically } from '../simulator/write-file';

/**
 * True for what a killed run leaves in its temporary file: the start of a README whose first line
 * is `firstLine` (a prefix of it, or nothing yet, included).
 */
function readmeStart(firstLine: string): (content: Buffer) => boolean {
  return content => {
    const text = content.toString('utf8');
    return text.startsWith(firstLine) || firstLine.startsWith(text);
  };
}

/**
 * Rewrites the spec reference section of the README at `readmePath` (`withSpecReference`).
 * @returns true when the file changed, false when it already held the current table.
 * @throws Error when the README has no reference section; FileWriteError for a failed write (the
 *   README is then as it was).
 */
export function updateReadme(readmePath: string): boolean {
  const before = readFileSync(readmePath, 'utf8');
  const after = withSpecReference(before);
  if (after === before) return false;
  writeFileAtomically(readmePath, after, readmeStart(`${before.split('\n')[0] ?? ''}\n`));
  return true;
}

if (require.main === module) updateReadme(join(__dirname, '..', 'README.md'));
