/**
 * `npm run docs`: regenerates the spec reference table in README.md. The new text goes to a
 * temporary file beside it and is renamed over README.md, so a failed or killed run leaves the old
 * README.md whole; an unchanged README.md is not touched.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSpecReference } from '../spec/docs';

const readmePath = join(__dirname, '..', 'README.md');
const before = readFileSync(readmePath, 'utf8');
const after = withSpecReference(before);
if (after !== before) {
  const staged = `${readmePath}.${process.pid}.tmp`;
  try {
    writeFileSync(staged, after);
    renameSync(staged, readmePath);
  } finally {
    rmSync(staged, { force: true });
  }
}
