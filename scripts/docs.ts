/** `npm run docs`: regenerates the spec reference table in README.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSpecReference } from '../spec/docs';

const readmePath = join(__dirname, '..', 'README.md');
writeFileSync(readmePath, withSpecReference(readFileSync(readmePath, 'utf8')));
