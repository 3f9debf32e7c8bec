/**
 * The documented Pulumi commands against the program (stacks/index.ts under mocks, no CLI): every
 * `pulumi config set` key in the docs is one the program reads, under the namespace it reads it
 * from, and its documented value works (a spec file that loads, the region of that spec); every
 * `pulumi stack output` name and every row of the outputs table in docs/deploy-to-aws.md is an
 * output the program exports, and the table lists them all; every `pulumi stack rm` names a
 * stack the docs create; every key of a stack file (Pulumi.<stack>.yaml) is read by the program;
 * every Pulumi CLI and provider plugin version the docs pin (the install line, a quoted plugin
 * error, `pulumi plugin install resource <name> <version>`) is the installed one.
 * The real CLI runs the same commands in test/engine/documented-commands.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadSpecFile } from '../../spec/load';
import {
  commandText,
  documentationFiles,
  documentedPulumiCommands,
  isPlaceholder,
  REPO_ROOT,
  type DocumentedCommand,
} from '../util/documented-pulumi';

interface PulumiYaml {
  name: string;
  config?: Record<string, { default?: unknown; value?: unknown }>;
}
const PROJECT = parse(readFileSync(join(REPO_ROOT, 'Pulumi.yaml'), 'utf8')) as PulumiYaml;

/** A config key as the engine names it: `<namespace>:<key>`, the project's own keys included. */
function qualified(key: string): string {
  return key.includes(':') ? key : `${PROJECT.name}:${key}`;
}

/** The config value of `key` the program sees with nothing set on the stack (Pulumi.yaml). */
function projectValue(key: string): unknown {
  const entry = Object.entries(PROJECT.config ?? {}).find(([name]) => qualified(name) === key);
  return entry === undefined ? undefined : (entry[1].value ?? entry[1].default);
}

/**
 * Runs the program under mocks (components/lib/plan.ts `recordPlan`, as `npm run plan` does) for
 * the spec `specPath` and returns every config key it read (`<namespace>:<key>`, including the
 * AWS provider's, which @pulumi/aws reads through the same `pulumi.Config`) and its stack outputs.
 */
async function runProgram(
  specPath: string,
): Promise<{ keysRead: Set<string>; outputs: Record<string, unknown> }> {
  const keysRead = new Set<string>();
  let outputs: Record<string, unknown> = {};
  await jest.isolateModulesAsync(async () => {
    const pulumi = await import('@pulumi/pulumi');
    const prototype = pulumi.Config.prototype as unknown as Record<string, unknown>;
    for (const method of Object.getOwnPropertyNames(pulumi.Config.prototype)) {
      const original = prototype[method];
      if (!/^(get|require)/.test(method) || typeof original !== 'function') continue;
      prototype[method] = function (this: { name: string }, key: string, ...rest: unknown[]) {
        keysRead.add(`${this.name}:${key}`);
        return (original as (...args: unknown[]) => unknown).call(this, key, ...rest);
      };
    }
    const { recordPlan } = await import('../../components/lib/plan');
    await recordPlan(specPath, async () => {
      const { default: program } = await import('../../stacks/index');
      outputs = { ...(await program()) };
    });
  });
  return { keysRead, outputs };
}

const commands = documentedPulumiCommands();
const configSets = commands.filter(c => c.args[0] === 'config' && c.args[1] === 'set');

/** The documented `config set` commands with both a key and a value. */
function fullConfigSets(): Array<{ command: DocumentedCommand; key: string; value: string }> {
  return configSets.flatMap(command => {
    const [key, value] = command.args.slice(2).filter(word => !word.startsWith('-'));
    return key === undefined || value === undefined ? [] : [{ command, key, value }];
  });
}

describe('the documented Pulumi commands against the program', () => {
  let keysRead: Set<string>;
  let outputs: Record<string, unknown>;

  beforeAll(async () => {
    ({ keysRead, outputs } = await runProgram(String(projectValue(`${PROJECT.name}:spec`))));
  });

  it('finds the documented commands (the deploy block of docs/deploy-to-aws.md among them)', () => {
    const deploy = commands.filter(
      c => c.file === 'docs/deploy-to-aws.md' && c.block !== undefined,
    );
    expect(deploy.map(c => c.args.slice(0, 2).join(' '))).toEqual(
      expect.arrayContaining(['stack init', 'config set', 'up', 'destroy', 'stack rm']),
    );
  });

  it('every documented config key is one the program reads, under that namespace', () => {
    const keys = configSets.flatMap(command => {
      const key = command.args.slice(2).find(word => !word.startsWith('-'));
      return key === undefined || isPlaceholder(key) ? [] : [{ command, key }];
    });
    expect(keys.length).toBeGreaterThan(0);
    const unread = keys
      .filter(({ key }) => !keysRead.has(qualified(key)))
      .map(({ command, key }) => `${key}: ${commandText(command)}`);
    expect({ unread, keysRead: [...keysRead].sort() }).toEqual({
      unread: [],
      keysRead: [...keysRead].sort(),
    });
  });

  it('every documented config value works: the spec file loads, and aws:region is that spec region', () => {
    const problems: string[] = [];
    // The spec of a stack is the one set in the same code block, else the Pulumi.yaml default.
    const specOfBlock = new Map<string, string>();
    for (const { command, key, value } of fullConfigSets()) {
      if (qualified(key) !== `${PROJECT.name}:spec` || isPlaceholder(value)) continue;
      try {
        loadSpecFile(resolve(REPO_ROOT, value));
        specOfBlock.set(`${command.file}@${command.block ?? command.line}`, value);
      } catch (error) {
        problems.push(`${commandText(command)}: ${(error as Error).message}`);
      }
    }
    for (const { command, key, value } of fullConfigSets()) {
      if (key !== 'aws:region' || isPlaceholder(value)) continue;
      const specPath =
        specOfBlock.get(`${command.file}@${command.block ?? command.line}`) ??
        String(projectValue(`${PROJECT.name}:spec`));
      const region = loadSpecFile(resolve(REPO_ROOT, specPath)).spec.region;
      if (value !== region) {
        problems.push(`${commandText(command)}: ${specPath} has region ${region}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every documented stack output name is an output of the program', () => {
    const named = commands.flatMap(command =>
      command.args[0] === 'stack' && command.args[1] === 'output'
        ? command.args
            .slice(2)
            .filter(word => !word.startsWith('-') && !isPlaceholder(word))
            .map(name => ({ command, name }))
        : [],
    );
    expect(named.length).toBeGreaterThan(0);
    expect(
      named.filter(({ name }) => !(name in outputs)).map(({ command }) => commandText(command)),
    ).toEqual([]);
  });

  it('the outputs table of docs/deploy-to-aws.md lists exactly the outputs of the program', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'deploy-to-aws.md'), 'utf8');
    const table = doc.split(/\n\| Output \| What it is \|\n/)[1];
    expect(table).toBeDefined();
    const rows = (table ?? '')
      .split('\n')
      .filter(line => line.startsWith('|'))
      .slice(1)
      .map(line => /^\| `([^`]+)` \|/.exec(line)?.[1]);
    expect(rows.sort()).toEqual(Object.keys(outputs).sort());
  });

  it('every documented pulumi stack rm names a stack the docs create with pulumi stack init', () => {
    const stackName = (command: DocumentedCommand): string | undefined =>
      command.args.slice(2).find(word => !word.startsWith('-'));
    const created = new Set(
      commands.filter(c => c.args[0] === 'stack' && c.args[1] === 'init').map(stackName),
    );
    const removed = commands.filter(
      c => c.args[0] === 'stack' && (c.args[1] === 'rm' || c.args[1] === 'remove'),
    );
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.filter(c => !created.has(stackName(c))).map(commandText)).toEqual([]);
  });

  it('every Pulumi CLI or provider plugin version the docs give is the one package-lock.json installs', () => {
    const installed = (name: string): string =>
      (
        JSON.parse(
          readFileSync(join(REPO_ROOT, 'node_modules', '@pulumi', name, 'package.json'), 'utf8'),
        ) as { version: string }
      ).version;
    const found: Array<{ where: string; what: string; version: string; expected: string }> = [];
    for (const file of documentationFiles()) {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      for (const match of text.matchAll(/get\.pulumi\.com[^\n]*--version v?(\d[\w.-]*)/g)) {
        found.push({
          where: file,
          what: 'CLI',
          version: match[1] ?? '',
          expected: installed('pulumi'),
        });
      }
      for (const match of text.matchAll(/pulumi-resource-([a-z-]+)' at version v(\d[\w.-]*)/g)) {
        const name = match[1] ?? '';
        found.push({ where: file, what: name, version: match[2] ?? '', expected: installed(name) });
      }
    }
    for (const command of commands) {
      const [verb, action, kind, name, version] = command.args;
      if (verb !== 'plugin' || action !== 'install' || kind !== 'resource') continue;
      if (name === undefined || version === undefined || isPlaceholder(version)) continue;
      found.push({
        where: commandText(command),
        what: name,
        version: version.replace(/^v/, ''),
        expected: installed(name),
      });
    }
    expect(found.map(entry => entry.what)).toEqual(expect.arrayContaining(['CLI', 'aws']));
    expect(found.filter(entry => entry.version !== entry.expected)).toEqual([]);
  });

  it('every key of a stack file (Pulumi.<stack>.yaml) is read by the program, and its spec loads', () => {
    const stackFiles = readdirSync(REPO_ROOT).filter(f => /^Pulumi\.[^.]+\.yaml$/.test(f));
    expect(stackFiles.length).toBeGreaterThan(0);
    for (const file of stackFiles) {
      const config =
        (parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as { config?: Record<string, unknown> })
          .config ?? {};
      expect({
        file,
        unread: Object.keys(config).filter(key => !keysRead.has(qualified(key))),
      }).toEqual({ file, unread: [] });
      const spec = config[`${PROJECT.name}:spec`];
      if (typeof spec === 'string') {
        const region = loadSpecFile(resolve(REPO_ROOT, spec)).spec.region;
        expect({ file, region: config['aws:region'] ?? projectValue('aws:region') }).toEqual({
          file,
          region,
        });
      }
    }
  });
});
