/** Options several subcommands share. */
import { Option } from 'commander';
import { DEFAULT_SPEC_FILE } from '../../stacks/defaults';

/** `--config <file>`: the platform spec; defaults to the bundled production example. */
export function configOption(): Option {
  return new Option('--config <file>', 'platform spec file (YAML or JSON)').default(
    DEFAULT_SPEC_FILE,
    'the bundled example stacks/prod.yaml',
  );
}
