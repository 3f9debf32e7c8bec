/**
 * A user's program compiled under the strictest common settings (`strict` plus
 * `exactOptionalPropertyTypes`, part of several strict presets) against the package entries: the
 * README's Pulumi snippet passes what `refuseStatefulChanges` answers (possibly `undefined`)
 * straight to `KafkaEksPlatform`, so an optional args field must accept `undefined` as a value.
 * The TypeScript compiler (the real type checker) judges an in-memory file beside this one; only
 * that file's diagnostics count, so the project's own code is not held to the stricter setting.
 */
import { join } from 'node:path';
import ts from 'typescript';

const SNIPPET = join(__dirname, 'strict-consumer-snippet.ts');
const SOURCE = `
import { loadSpec } from '../../api/spec';
import { KafkaEksPlatform, refuseStatefulChanges, refuseUnavailableZones } from '../../api/pulumi';

export async function program(): Promise<KafkaEksPlatform> {
  const loaded = loadSpec('platform.yaml');
  const last = await refuseStatefulChanges(loaded.spec);
  await refuseUnavailableZones(loaded.spec);
  return new KafkaEksPlatform('kafka', {
    spec: loaded,
    deployedSystemNodegroup: last.systemNodegroup,
    deployedAdminAccessEntries: last.adminAccessEntries,
  });
}
`;

function diagnosticsOf(source: string): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = file => (file === SNIPPET ? source : readFile(file));
  host.fileExists = file => file === SNIPPET || fileExists(file);
  host.getSourceFile = (file, language, onError, create) =>
    file === SNIPPET
      ? ts.createSourceFile(file, source, language, true)
      : getSourceFile(file, language, onError, create);
  const program = ts.createProgram([SNIPPET], options, host);
  const snippet = program.getSourceFile(SNIPPET);
  if (snippet === undefined) throw new Error('the snippet was not compiled');
  return [
    ...program.getSyntacticDiagnostics(snippet),
    ...program.getSemanticDiagnostics(snippet),
  ].map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('a user program under exactOptionalPropertyTypes', () => {
  it('passes what refuseStatefulChanges answers straight to KafkaEksPlatform', () => {
    expect(diagnosticsOf(SOURCE)).toEqual([]);
  }, 120_000);

  it('the checker runs: a wrong type in the same program is reported', () => {
    const broken = SOURCE.replace('spec: loaded,', 'spec: loaded, aliasRootResources: "yes",');
    expect(diagnosticsOf(broken).join('\n')).toMatch(/aliasRootResources|not assignable/);
  }, 120_000);
});
