/**
 * A small client for the test control plane: JSON over HTTPS with the control plane's own CA and a
 * bearer token, discovery (kind -> resource), server-side apply and a streaming watch. No kubectl,
 * no client library: the tests see exactly what the API server answers.
 */
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';

/** How to reach the API server. */
export interface Connection {
  /** `https://127.0.0.1:<port>` */
  readonly server: string;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
  /** Bearer token of a `system:masters` user. */
  readonly token: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  /** `Warning` headers (for example PodSecurity warnings on workloads). */
  readonly warnings: readonly string[];
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly contentType?: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly signal?: AbortSignal;
}

/** One event of a watch stream. */
export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: Record<string, unknown>;
}

/** Where a kind lives in the API. */
export interface ResourceMapping {
  readonly groupVersion: string;
  readonly resource: string;
  readonly namespaced: boolean;
}

export type KubeObject = Record<string, unknown> & {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: string; namespace?: string; [key: string]: unknown };
};

export const FIELD_MANAGER = 'kafka-eks-cluster-tier';

function warningsOf(response: IncomingMessage): string[] {
  const raw = response.headers.warning;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  // RFC 7234 warning: `299 - "text"`; keep the text.
  return list.map(w => {
    const quoted = /^\d{3} \S+ "(.*)"$/s.exec(w);
    return quoted === null ? w : quoted[1].replace(/\\(.)/g, '$1');
  });
}

/** Message of a `Status` body, or the body itself. */
export function statusMessage(body: unknown): string {
  if (body !== null && typeof body === 'object' && 'message' in body) {
    return String((body as { message: unknown }).message);
  }
  return typeof body === 'string' ? body : JSON.stringify(body);
}

export class KubeApi {
  private readonly agent: Agent;
  private readonly base: URL;
  private mappings = new Map<string, ResourceMapping>();

  constructor(readonly connection: Connection) {
    this.base = new URL(connection.server);
    this.agent = new Agent({ ca: connection.caPem, keepAlive: true, maxSockets: 8 });
  }

  close(): void {
    this.agent.destroy();
  }

  private url(path: string, query: RequestOptions['query']): URL {
    const url = new URL(path, this.base);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  private open(method: string, path: string, options: RequestOptions): Promise<IncomingMessage> {
    const url = this.url(path, options.query);
    const payload =
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        url,
        {
          method,
          agent: this.agent,
          signal: options.signal,
          headers: {
            authorization: `Bearer ${this.connection.token}`,
            accept: 'application/json',
            ...(payload === undefined
              ? {}
              : {
                  'content-type': options.contentType ?? 'application/json',
                  'content-length': Buffer.byteLength(payload),
                }),
          },
        },
        resolve,
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** One request; the body is parsed as JSON when it is JSON. Never throws on HTTP errors. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const response = await this.open(method, path, options);
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    if ((response.headers['content-type'] ?? '').includes('json') && text !== '') {
      body = JSON.parse(text);
    }
    return { status: response.statusCode ?? 0, body, warnings: warningsOf(response) };
  }

  /** Like `request`, but throws unless the status is 2xx. */
  async ok(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const response = await this.request(method, path, options);
    if (response.status < 200 || response.status > 299) {
      throw new Error(
        `${method} ${path}: HTTP ${response.status}: ${statusMessage(response.body)}`,
      );
    }
    return response.body;
  }

  /**
   * Opens a watch and calls `onEvent` for every event until the stream ends or `signal` aborts.
   * Resolves with the HTTP status (a 410 here means the resourceVersion is gone).
   */
  async watch(
    path: string,
    query: RequestOptions['query'],
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<number> {
    const response = await this.open('GET', path, { query: { ...query, watch: true }, signal });
    let buffered = '';
    try {
      for await (const chunk of response) {
        buffered += (chunk as Buffer).toString('utf8');
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line !== '') onEvent(JSON.parse(line) as WatchEvent);
          newline = buffered.indexOf('\n');
        }
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
    return response.statusCode ?? 0;
  }

  /** Reads discovery (core and every group, all served versions) into kind -> resource. */
  async discover(): Promise<void> {
    const mappings = new Map<string, ResourceMapping>();
    const addList = (list: unknown): void => {
      const { groupVersion, resources } = list as {
        groupVersion: string;
        resources: Array<{ name: string; kind: string; namespaced: boolean }>;
      };
      for (const r of resources) {
        if (r.name.includes('/')) continue; // subresources
        mappings.set(`${groupVersion}/${r.kind}`, {
          groupVersion,
          resource: r.name,
          namespaced: r.namespaced,
        });
      }
    };
    addList(await this.ok('GET', '/api/v1'));
    const groups = (await this.ok('GET', '/apis')) as {
      groups: Array<{ versions: Array<{ groupVersion: string }> }>;
    };
    const versions = groups.groups.flatMap(g => g.versions.map(v => v.groupVersion));
    // Right after a CRD is Established, /apis may list its group version a moment before the
    // group version itself answers (HTTP 404): ask again for up to 5 s before giving up.
    const listOf = async (gv: string): Promise<unknown> => {
      for (let attempt = 0; ; attempt += 1) {
        const response = await this.request('GET', `/apis/${gv}`);
        if (response.status !== 404 || attempt >= 50) {
          if (response.status < 200 || response.status > 299) {
            throw new Error(
              `GET /apis/${gv}: HTTP ${response.status}: ${statusMessage(response.body)}`,
            );
          }
          return response.body;
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    };
    const lists = await Promise.all(versions.map(listOf));
    lists.forEach(addList);
    this.mappings = mappings;
  }

  /** Where `apiVersion`/`kind` live; refreshes discovery once when the kind is unknown. */
  async mapping(apiVersion: string, kind: string): Promise<ResourceMapping | undefined> {
    const key = `${apiVersion}/${kind}`;
    if (!this.mappings.has(key)) await this.discover();
    return this.mappings.get(key);
  }

  /** The path of a collection (name omitted) or of one object. */
  static pathOf(m: ResourceMapping, namespace: string | undefined, name?: string): string {
    const root = m.groupVersion.includes('/')
      ? `/apis/${m.groupVersion}`
      : `/api/${m.groupVersion}`;
    const ns = m.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
    return `${root}${ns}/${m.resource}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
  }

  /**
   * Server-side apply of one object (`dryRun: true` persists nothing). Throws when the kind is not
   * served; returns the API response otherwise, errors included.
   */
  async apply(
    object: KubeObject,
    options: { dryRun: boolean; namespace?: string },
  ): Promise<ApiResponse> {
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    const mapping = await this.mapping(apiVersion, kind);
    if (mapping === undefined) {
      return {
        status: 404,
        body: { message: `the server does not serve ${kind} in ${apiVersion}` },
        warnings: [],
      };
    }
    const name = object.metadata?.name ?? '';
    const namespace = object.metadata?.namespace ?? options.namespace;
    const body = mapping.namespaced
      ? { ...object, metadata: { ...object.metadata, namespace } }
      : object;
    return this.request('PATCH', KubeApi.pathOf(mapping, namespace, name), {
      body,
      contentType: 'application/apply-patch+yaml',
      query: {
        fieldManager: FIELD_MANAGER,
        force: true,
        fieldValidation: 'Strict',
        dryRun: options.dryRun ? 'All' : undefined,
      },
    });
  }
}
