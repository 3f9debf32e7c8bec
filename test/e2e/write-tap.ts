/**
 * A transparent recording proxy in front of the Kubernetes API server and in front of moto, used
 * only by the controller processes: every request passes through unchanged (watches stream), and
 * every write that the API accepted (2xx) is recorded as a history `write` event at the instant
 * its response arrived. This is how the invariant checker sees exactly the writes the controller
 * made, and when, without changing the controller.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type RequestListener,
  type Server,
} from 'node:http';
import { Agent, createServer as createTlsServer, request as httpsRequest } from 'node:https';
import {
  CORDON_ANNOTATION,
  MANUAL_ROLLING_UPDATE_ANNOTATION,
  OPERATION_ANNOTATION,
} from '../../controller/operation-record';
import { FENCE_HOLDER_ANNOTATION, FENCE_TOKEN_ANNOTATION } from '../../controller/admission-fence';
import { freePort } from '../cluster/control-plane';
import type { RecordWritten, WriteEvent } from '../controller/invariants';

/** Turns one accepted request into the writes it made (none for reads and other writes). */
export type WriteClassifier = (
  method: string,
  path: string,
  body: string,
  atMs: number,
) => readonly WriteEvent[];

/** A running tap. */
export interface WriteTap {
  /** `http(s)://127.0.0.1:<port>`: where the controller sends its requests. */
  readonly url: string;
  /** Every write recorded so far, in order. */
  readonly writes: WriteEvent[];
  /** Requests that failed to reach the target (the target down). */
  failures: number;
  /**
   * Called synchronously for each recorded write, before its response reaches the controller:
   * the fault scenarios strike at an exact point of an operation this way.
   */
  onWrite: ((write: WriteEvent) => void) | undefined;
  close(): Promise<void>;
}

/**
 * Starts a tap forwarding to `target` (http or https; `caPem` for https). With `serve`, the tap
 * itself serves TLS with that certificate (the Kubernetes client refuses plain HTTP).
 */
export async function startWriteTap(
  target: string,
  classify: WriteClassifier,
  caPem?: string,
  serve?: { readonly certPem: string; readonly keyPem: string },
): Promise<WriteTap> {
  const targetUrl = new URL(target);
  const secure = targetUrl.protocol === 'https:';
  const agent = secure ? new Agent({ ca: caPem, keepAlive: true }) : undefined;
  const writes: WriteEvent[] = [];
  const tap: { failures: number; onWrite: ((write: WriteEvent) => void) | undefined } = {
    failures: 0,
    onWrite: undefined,
  };
  const open = new Set<IncomingMessage>();
  const handler: RequestListener = (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = { ...incoming.headers, host: targetUrl.host };
      const options = {
        protocol: targetUrl.protocol,
        hostname: targetUrl.hostname,
        port: targetUrl.port,
        method: incoming.method,
        path: incoming.url,
        headers,
        ...(agent === undefined ? {} : { agent }),
      };
      const upstream = (secure ? httpsRequest : httpRequest)(options, response => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300 && incoming.method !== 'GET') {
          const made = classify(
            incoming.method ?? '',
            incoming.url ?? '',
            body.toString('utf8'),
            Date.now(),
          );
          writes.push(...made);
          for (const write of made) tap.onWrite?.(write);
        }
        outgoing.writeHead(status, response.headers);
        open.add(response);
        response.on('close', () => open.delete(response));
        response.pipe(outgoing);
        outgoing.on('close', () => response.destroy());
      });
      upstream.on('error', () => {
        tap.failures++;
        if (!outgoing.headersSent) outgoing.writeHead(502);
        outgoing.end();
      });
      upstream.end(body);
    });
  };
  const server: Server =
    serve === undefined
      ? createServer(handler)
      : createTlsServer({ cert: serve.certPem, key: serve.keyPem }, handler);
  const port = await freePort();
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `${serve === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    writes,
    get failures() {
      return tap.failures;
    },
    set failures(value: number) {
      tap.failures = value;
    },
    get onWrite() {
      return tap.onWrite;
    },
    set onWrite(listener: ((write: WriteEvent) => void) | undefined) {
      tap.onWrite = listener;
    },
    close: async () => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
      agent?.destroy();
    },
  };
}

interface JsonPatchOp {
  readonly op: string;
  readonly path: string;
  readonly value?: unknown;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * Annotations a node write carries beside what it does, so not a write of their own: the cordon
 * marker (`CORDON_ANNOTATION`, set in the cordon's patch and removed in the uncordon's) and the
 * admission fence's stamp (`FENCE_HOLDER_ANNOTATION`, `FENCE_TOKEN_ANNOTATION`), which every
 * write of the controller carries (controller/admission-fence.ts).
 */
const ACCOMPANYING_ANNOTATIONS: ReadonlySet<string> = new Set([
  CORDON_ANNOTATION,
  FENCE_HOLDER_ANNOTATION,
  FENCE_TOKEN_ANNOTATION,
]);

/** The op sets or removes only accompanying annotations (one key, or a whole map of them). */
function carriesOnlyAccompanying(op: JsonPatchOp): boolean {
  const prefix = '/metadata/annotations/';
  if (op.path.startsWith(prefix)) {
    const key = op.path.slice(prefix.length).replace(/~1/g, '/').replace(/~0/g, '~');
    return ACCOMPANYING_ANNOTATIONS.has(key);
  }
  const value = (op as { value?: unknown }).value;
  return (
    op.path === '/metadata/annotations' &&
    typeof value === 'object' &&
    value !== null &&
    Object.keys(value).length > 0 &&
    Object.keys(value).every(key => ACCOMPANYING_ANNOTATIONS.has(key))
  );
}

/**
 * The operation record an annotation op stores (`{}` for a removal), read leniently: a field that
 * is missing or of another type is left out, never an error (the checker sees the write anyway).
 */
function recordWritten(op: JsonPatchOp): RecordWritten {
  if (op.op === 'remove') return {};
  const value =
    op.path === '/metadata/annotations' && typeof op.value === 'object' && op.value !== null
      ? (op.value as Record<string, unknown>)[OPERATION_ANNOTATION]
      : op.value;
  const parsed = typeof value === 'string' ? parseJson(value) : undefined;
  if (typeof parsed !== 'object' || parsed === null) return {};
  const record = parsed as Record<string, unknown>;
  const text = (key: string): string | undefined => {
    const field = record[key];
    return typeof field === 'string' ? field : undefined;
  };
  const [id, phase, holder] = [text('id'), text('phase'), text('holder')];
  return {
    ...(id === undefined ? {} : { id }),
    ...(phase === undefined ? {} : { phase }),
    ...(typeof record.movesDone === 'number' ? { movesDone: record.movesDone } : {}),
    moving: typeof record.move === 'object' && record.move !== null,
    ...(holder === undefined ? {} : { holder }),
  };
}

/** The Kubernetes writes the controller makes: cordon, uncordon, record, request-roll. */
export const kubernetesWrites: WriteClassifier = (method, path, body, atMs) => {
  if (method !== 'PATCH') return [];
  const pathname = path.split('?')[0];
  const ops = parseJson(body);
  const list = Array.isArray(ops) ? (ops as JsonPatchOp[]) : [];
  const node = /^\/api\/v1\/nodes\/([^/]+)$/.exec(pathname);
  if (node !== null) {
    const nodeName = decodeURIComponent(node[1]);
    const writes: WriteEvent[] = [];
    for (const op of list) {
      if (op.op === 'test') continue;
      if (op.path === '/spec/unschedulable') {
        writes.push({
          kind: 'write',
          atMs,
          write: op.value === true ? 'cordon' : 'uncordon',
          nodeName,
        });
      } else if (op.path.startsWith('/metadata/annotations') && !carriesOnlyAccompanying(op)) {
        // The cordon marker and the fence's stamp travel with the write: part of it.
        writes.push({ kind: 'write', atMs, write: 'record', nodeName, record: recordWritten(op) });
      }
    }
    return writes;
  }
  const pod = /^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)$/.exec(pathname);
  const rollAnnotation = [
    MANUAL_ROLLING_UPDATE_ANNOTATION,
    MANUAL_ROLLING_UPDATE_ANNOTATION.replace('/', '~1'),
  ];
  if (pod !== null && rollAnnotation.some(key => body.includes(key))) {
    return [{ kind: 'write', atMs, write: 'request-roll', podName: decodeURIComponent(pod[1]) }];
  }
  return [];
};

/**
 * The Auto Scaling writes (query protocol, form-encoded): SetDesiredCapacity, the termination of
 * one instance, SetInstanceProtection (one event per instance). `groupOfInstance` names the group
 * of a terminated instance (the request does not).
 */
export function autoScalingWrites(
  groupOfInstance: (instanceId: string) => string | undefined,
): WriteClassifier {
  return (method, _path, body, atMs) => {
    if (method !== 'POST') return [];
    const form = new URLSearchParams(body);
    const action = form.get('Action');
    const groupName = form.get('AutoScalingGroupName') ?? undefined;
    switch (action) {
      case 'SetDesiredCapacity':
        return [
          {
            kind: 'write',
            atMs,
            write: 'set-desired',
            groupName,
            desired: Number(form.get('DesiredCapacity')),
          },
        ];
      case 'TerminateInstanceInAutoScalingGroup': {
        const instanceId = form.get('InstanceId') ?? '';
        return [
          {
            kind: 'write',
            atMs,
            write: 'terminate',
            instanceId,
            groupName: groupOfInstance(instanceId),
          },
        ];
      }
      case 'SetInstanceProtection': {
        const write = form.get('ProtectedFromScaleIn') === 'true' ? 'protect' : 'unprotect';
        const ids = [...form.entries()]
          .filter(([key]) => key.startsWith('InstanceIds.member.'))
          .map(([, value]) => value);
        return ids.map(instanceId => ({
          kind: 'write' as const,
          atMs,
          write,
          groupName,
          instanceId,
        }));
      }
      default:
        return [];
    }
  };
}
