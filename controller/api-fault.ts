/** Reads an HTTP status and `Retry-After` out of whatever error an API client threw. */

/** The parts of an API error the retry logic needs. */
export interface ApiFault {
  /** HTTP status, when the error carries one. */
  readonly status: number | undefined;
  /** `Retry-After` in seconds, when the server sent it. */
  readonly retryAfterSeconds: number | undefined;
}

function header(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  if ('get' in headers && typeof headers.get === 'function') {
    const value: unknown = headers.get(name);
    return typeof value === 'string' ? value : undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}

/** Extracts status and Retry-After from `@kubernetes/client-node` errors and watch Status objects. */
export function apiFaultOf(error: unknown): ApiFault {
  if (error === null || typeof error !== 'object') {
    return { status: undefined, retryAfterSeconds: undefined };
  }
  const fields = error as {
    code?: unknown;
    statusCode?: unknown;
    status?: unknown;
    headers?: unknown;
  };
  const candidates = [fields.code, fields.statusCode, fields.status];
  const status = candidates.find((value): value is number => typeof value === 'number');
  const retryAfter = header(fields.headers, 'retry-after');
  const seconds = retryAfter === undefined ? undefined : Number(retryAfter);
  return {
    status,
    retryAfterSeconds:
      seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined,
  };
}

/** Exponential backoff with full jitter: base * 2^(attempt-1), capped, times a factor in [0.5, 1]. */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}
