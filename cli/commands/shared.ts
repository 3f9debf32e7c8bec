/** Options several subcommands share. */
import { Option } from 'commander';
import { DEFAULT_SPEC_FILE } from '../../stacks/defaults';
import { typedPath } from '../invocation';

/**
 * Parser of every path option: the path relative to the folder the command was typed in, also
 * under `npm run` (`typedPath`). Commander applies it to given values only, never to defaults.
 */
export function pathArgument(value: string): string {
  return typedPath(value);
}

/** `--config <file>`: the platform spec; defaults to the bundled production example. */
export function configOption(): Option {
  return new Option('--config <file>', 'platform spec file (YAML or JSON)')
    .default(DEFAULT_SPEC_FILE, 'the bundled example stacks/prod.yaml')
    .argParser(pathArgument);
}
