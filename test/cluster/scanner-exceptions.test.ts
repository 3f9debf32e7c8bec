import { join } from 'node:path';
import {
  ExceptionLedger,
  parseExceptions,
  readExceptions,
  scopeCovers,
  withoutBlock,
  type Subject,
} from './scanner-exceptions';
import { REPO } from './tools';

const DEPLOYMENT: Subject = { kind: 'Deployment', name: 'kafka-autoscaler' };
const BROKER: Subject = { kind: 'Pod', name: 'orders-brokers-a-1000', strimziRole: 'broker' };
const CONTROLLER: Subject = {
  kind: 'Pod',
  name: 'orders-controllers-0',
  strimziRole: 'controller',
};

const CONFIG = [
  'checks:',
  '  include:',
  '    - no-liveness-probe',
  '  exclude:',
  '    # strimzi-pods: Strimzi sets no read-only root',
  '    - no-read-only-root-fs',
  '    # Deployment/kafka-autoscaler, strimzi-brokers: two scopes',
  '    - some-check',
  'other: 1',
].join('\n');

describe('scanner exceptions', () => {
  test('reads entries of the section only, each with its scopes and reason', () => {
    const parsed = parseExceptions(CONFIG, 'c.yaml', /^\s+exclude:\s*$/, /^\s*-\s*([a-z-]+)\s*$/);
    expect(parsed).toEqual([
      {
        check: 'no-read-only-root-fs',
        scopes: ['strimzi-pods'],
        reason: 'Strimzi sets no read-only root',
        where: 'c.yaml:6',
      },
      {
        check: 'some-check',
        scopes: ['Deployment/kafka-autoscaler', 'strimzi-brokers'],
        reason: 'two scopes',
        where: 'c.yaml:8',
      },
    ]);
  });

  test('throws when an entry has no reason, or an unknown scope', () => {
    const noReason = 'checks:\n  exclude:\n    - no-anti-affinity\n';
    expect(() =>
      parseExceptions(noReason, 'x.yaml', /^\s+exclude:\s*$/, /^\s*-\s*([a-z-]+)\s*$/),
    ).toThrow('x.yaml:3: exception no-anti-affinity has no "# <scope>: <reason>" line above it');
    const badScope = 'checks:\n  exclude:\n    # everything: because\n    - no-anti-affinity\n';
    expect(() =>
      parseExceptions(badScope, 'x.yaml', /^\s+exclude:\s*$/, /^\s*-\s*([a-z-]+)\s*$/),
    ).toThrow('x.yaml:4: exception no-anti-affinity names unknown scope(s) everything');
  });

  test('a scope covers exactly its objects', () => {
    expect(scopeCovers('all', DEPLOYMENT)).toBe(true);
    expect(scopeCovers('strimzi-pods', DEPLOYMENT)).toBe(false);
    expect(scopeCovers('strimzi-pods', BROKER)).toBe(true);
    expect(scopeCovers('strimzi-brokers', CONTROLLER)).toBe(false);
    expect(scopeCovers('strimzi-controllers', CONTROLLER)).toBe(true);
    expect(scopeCovers('Deployment/kafka-autoscaler', DEPLOYMENT)).toBe(true);
    expect(scopeCovers('Deployment/descheduler', DEPLOYMENT)).toBe(false);
    expect(scopeCovers('Pod/kafka-autoscaler', DEPLOYMENT)).toBe(false);
    const policy = { kind: 'NetworkPolicy', name: 'allow-dns', namespace: 'strimzi' };
    expect(scopeCovers('NetworkPolicy/strimzi/allow-dns', policy)).toBe(true);
    expect(scopeCovers('NetworkPolicy/kafka/allow-dns', policy)).toBe(false);
    expect(scopeCovers('NetworkPolicy/allow-dns', policy)).toBe(true);
  });

  test('an exception for the Kafka pods does not excuse the same fault in a Deployment', () => {
    const ledger = new ExceptionLedger(
      parseExceptions(CONFIG, 'c.yaml', /^\s+exclude:\s*$/, /^\s*-\s*([a-z-]+)\s*$/),
    );
    expect(ledger.covers('no-read-only-root-fs', BROKER)).toBe(true);
    expect(ledger.covers('no-read-only-root-fs', DEPLOYMENT)).toBe(false);
    expect(ledger.covers('no-liveness-probe', BROKER)).toBe(false);
    expect(ledger.covers('some-check', DEPLOYMENT)).toBe(true);
    // strimzi-brokers of some-check was never needed: stale.
    expect(ledger.stale()).toEqual(['c.yaml:8: some-check (strimzi-brokers) no longer occurs']);
  });

  test.each([
    ['.kube-linter.yaml', /^\s+exclude:\s*$/, /^\s*-\s*([a-z0-9-]+)\s*$/],
    ['.polaris.yaml', /^checks:\s*$/, /^\s+([A-Za-z]+):\s*ignore\s*$/],
    ['.checkov.yaml', /^skip-check:\s*$/, /^\s*-\s*(CKV\w+)\s*$/],
  ])('every exception in %s has a scope and a reason', (file, section, entry) => {
    const exceptions = readExceptions(join(REPO, file), section, entry);
    expect(exceptions.length).toBeGreaterThan(0);
    for (const exception of exceptions) expect(exception.reason.length).toBeGreaterThan(20);
  });

  test('the kube-linter run drops the exclude block and keeps the rest', () => {
    const stripped = withoutBlock(CONFIG, /^\s+exclude:\s*$/);
    expect(stripped).toBe(
      ['checks:', '  include:', '    - no-liveness-probe', 'other: 1'].join('\n'),
    );
  });
});
