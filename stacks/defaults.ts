/** The example spec every command uses when none is given. */
import { join } from 'node:path';

export const DEFAULT_SPEC_FILE = join(__dirname, 'prod.yaml');
