/**
 * Where the docs send a reader for the controller's Events is where the controller writes them.
 * The controller records every decision, hold and step as an Event on the `Kafka` resource, in the
 * Kafka namespace (`KubernetesAdapter.record`, controller/adapters/kubernetes.ts), not in its own
 * namespace. Docs walk s34-c: docs/runbooks/autoscaler-blocked.md gave
 * `kubectl -n kafka-autoscaler get events` for "the controller's events", which lists only the
 * controller pods' own scheduling and probe Events, none of its decisions.
 *
 * The fact is taken from the real adapter and client library (bundled, as the image runs it; see
 * test/controller/bundled-client.ts) against a stand-in API server on 127.0.0.1 that records the
 * request, with the Kafka and the controller namespaces set apart; the docs are then held to it:
 * every documented `kubectl ... get events` names the Kafka namespace (`<kafka-ns>`, `<ns>`, or
 * the default `kafka`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type * as AdapterModule from '../../controller/adapters/kubernetes';
import { requireBundled, standInKubeConfig } from '../controller/bundled-client';
import { testConfig } from '../controller/fixtures';
import { documentationFiles, REPO_ROOT } from '../util/documented-pulumi';
import { markdownCodeSpans } from '../util/markdown-spans';

interface Bundle {
  readonly KubernetesAdapter: typeof AdapterModule.KubernetesAdapter;
  readonly KubeConfig: new () => KubeConfig;
}

/** How the docs write the Kafka namespace. */
const KAFKA_NAMESPACE_WORDS = new Set(['<kafka-ns>', '<ns>', 'kafka']);

/** Every documented `kubectl ... get events` command (code spans and shell blocks), with its place. */
function documentedEventCommands(): Array<{ where: string; words: string[] }> {
  const found: Array<{ where: string; words: string[] }> = [];
  for (const file of documentationFiles()) {
    const text = readFileSync(join(REPO_ROOT, file), 'utf8');
    const pieces = markdownCodeSpans(text).map(span => [span.line, span.code] as const);
    text.split('\n').forEach((line, index) => pieces.push([index + 1, line] as const));
    for (const [line, code] of pieces) {
      for (const segment of code.split(/&&|\|\||;|\||`/)) {
        const words = segment.trim().split(/\s+/);
        if (words[0] !== 'kubectl') continue;
        const verb = words.findIndex(
          (word, index) => word === 'get' && words[index + 1] === 'events',
        );
        if (verb >= 0) found.push({ where: `${file}:${line}`, words });
      }
    }
  }
  // A code span is also seen as part of its text line: keep one of each.
  const unique = new Map(
    found.map(command => [`${command.where} ${command.words.join(' ')}`, command]),
  );
  return [...unique.values()];
}

/** The namespace a kubectl command gives (`-n x`, `--namespace x`, `--namespace=x`). */
function namespaceOf(words: readonly string[]): string | undefined {
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    if (word === '-n' || word === '--namespace') return words[index + 1];
    if (word.startsWith('--namespace=')) return word.slice('--namespace='.length);
  }
  return undefined;
}

describe("the controller's Events", () => {
  const dir = mkdtempSync(join(tmpdir(), 'controller-events-'));
  let bundle: Bundle;
  let server: Server;
  const posted: string[] = [];
  let kubeConfig: KubeConfig;

  beforeAll(async () => {
    bundle = requireBundled<Bundle>(
      join(dir, 'adapter.js'),
      "export { KubernetesAdapter } from './controller/adapters/kubernetes';\n" +
        "export { KubeConfig } from '@kubernetes/client-node';\n",
    );
    server = createServer((request, response) => {
      if (request.method === 'POST') posted.push((request.url ?? '').split('?')[0]!);
      request.resume();
      request.on('end', () => {
        response.writeHead(201, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ metadata: { name: 'written', resourceVersion: '1' } }));
      });
    });
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    kubeConfig = standInKubeConfig(bundle.KubeConfig, `http://127.0.0.1:${port}`);
  }, 60_000);

  afterAll(async () => {
    await new Promise(done => server?.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  it('are written in the Kafka namespace, on the Kafka resource, not in the controller’s', async () => {
    const base = testConfig();
    const config = {
      ...base,
      kafkaNamespace: 'the-kafka-ns',
      leaderElection: { ...base.leaderElection, namespace: 'the-controller-ns' },
    };
    const adapter = new bundle.KubernetesAdapter(config, 'replica-a', () => undefined, kubeConfig);
    await adapter.record({ type: 'Normal', reason: 'ScaleOut', message: 'zone a 1 -> 2' });
    expect(posted).toEqual(['/api/v1/namespaces/the-kafka-ns/events']);
  });

  it('are what every documented `kubectl get events` reads: the Kafka namespace', () => {
    const commands = documentedEventCommands();
    expect(commands.length).toBeGreaterThan(0);
    const elsewhere = commands
      .filter(command => !KAFKA_NAMESPACE_WORDS.has(namespaceOf(command.words) ?? ''))
      .map(command => `${command.where}: ${command.words.join(' ')}`);
    expect(elsewhere).toEqual([]);
  });
});
