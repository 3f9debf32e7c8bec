/**
 * For `own-pid-look-alike.test.ts`: a process whose pid the scratch name of a writer carries, as a
 * reused pid makes it in a container, finds a user's entry of that very name already there.
 * Creates it (a folder `.<name>.synth-staging-<pid>` holding `notes.md`, a file
 * `.synth-staging-<pid>` in an existing output folder, or a file `.<name>.<pid>.tmp`), then writes `out` as the CLI would. Prints the writer's error, if any.
 * Usage: tsx own-pid-look-alike-child.ts synth|synth-existing|svg <out>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeOwnedFiles } from '../../charts/output';
import { writeFileAtomically } from '../../simulator/write-file';

const [kind = '', out = ''] = process.argv.slice(2);
try {
  if (kind === 'synth') {
    const lookAlike = join(dirname(out), `.${basename(out)}.synth-staging-${process.pid}`);
    mkdirSync(lookAlike);
    writeFileSync(join(lookAlike, 'notes.md'), 'my notes\n');
    writeOwnedFiles(new Map([['kustomization.yaml', 'resources: []\n']]), out);
  } else if (kind === 'synth-existing') {
    mkdirSync(out);
    writeFileSync(join(out, `.synth-staging-${process.pid}`), 'my notes\n');
    writeOwnedFiles(new Map([['kustomization.yaml', 'resources: []\n']]), out);
  } else {
    writeFileSync(join(dirname(out), `.${basename(out)}.${process.pid}.tmp`), 'my notes\n');
    writeFileAtomically(out, '<svg/>');
  }
} catch (error) {
  process.stdout.write(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
