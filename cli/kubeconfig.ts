/**
 * Which kubeconfig `status` reads when `--kubeconfig` is not given, found as kubectl finds it:
 * the `KUBECONFIG` environment variable, else `~/.kube/config`. kubectl merges every file a
 * `KUBECONFIG` list names; `status` reads one file, so a list of several is refused with the fix
 * rather than read in part.
 */
import { delimiter, join } from 'node:path';

/** The kubeconfig chosen and the words that say where it came from. */
export type KubeconfigChoice =
  { readonly file: string; readonly source: string } | { readonly problem: string };

/**
 * @param flag the `--kubeconfig` value, if given (it wins, as with kubectl).
 * @param env the process environment (`KUBECONFIG`).
 * @param home the user's home folder (`os.homedir()`).
 */
export function chooseKubeconfig(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): KubeconfigChoice {
  if (flag !== undefined) return { file: flag, source: '--kubeconfig' };
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter(entry => entry !== '');
  if (fromEnv.length > 1) {
    return {
      problem: `--kubeconfig: not given, and $KUBECONFIG lists ${fromEnv.length} files ("${env.KUBECONFIG}"); status reads one, so give it with --kubeconfig <file>`,
    };
  }
  if (fromEnv.length === 1) return { file: fromEnv[0]!, source: '$KUBECONFIG' };
  return { file: join(home, '.kube', 'config'), source: '~/.kube/config (no $KUBECONFIG set)' };
}
