/**
 * The usage-line parser of the documented-commands check (test/util/pulumi-usage.ts), on usage
 * lines as Pulumi CLI 3.248.0 prints them. It once counted only the words that open with `[` or
 * `<`, so `[kind name [version]]` allowed two arguments and the documented
 * `pulumi plugin install resource aws v7.48.0 --file <tarball>` was refused by the engine tier
 * although the CLI takes it.
 */
import { usageOf } from './pulumi-usage';

function help(usage: string): string {
  return `Does something.\n\nUsage:\n  ${usage}\n\nFlags:\n  -f, --file string   A file\n      --exact         Exact\n`;
}

describe('usageOf', () => {
  it.each([
    ['pulumi plugin install [kind name [version]] [flags]', ['plugin', 'install'], 3],
    ['pulumi config set <key> [flags] [--] [value]', ['config', 'set'], 2],
    ['pulumi stack new [org-name/]<stack-name> [flags]', ['stack', 'new'], 1],
    ['pulumi stack output [property-name] [flags]', ['stack', 'output'], 1],
    ['pulumi up [template|url] [flags]', ['up'], 1],
    ['pulumi preview [flags]', ['preview'], 0],
    ['pulumi import [arg]... [flags]', ['import'], Infinity],
    ['pulumi state delete [resource-urn]... [flags]', ['state', 'delete'], Infinity],
  ] as const)('%s: path %j, %d positional', (usage, path, positional) => {
    const parsed = usageOf(help(usage));
    expect(parsed.path).toEqual(path);
    expect(parsed.positional).toBe(positional);
  });

  it('reads each flag and whether it takes a value', () => {
    const parsed = usageOf(help('pulumi plugin install [kind name [version]] [flags]'));
    expect([...parsed.flags]).toEqual([
      ['file', true],
      ['exact', false],
    ]);
  });
});
