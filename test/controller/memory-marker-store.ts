/**
 * An in-memory stand-in for the forecast history marker ConfigMap, for tests: the ConfigMap's one
 * data value as text and a version that moves on at every change (its `metadata.resourceVersion`),
 * encoded, decoded and written with the same optimistic concurrency as the Kubernetes adapter
 * (`forecastMarkerStore`, tested against a real kube-apiserver in
 * test/cluster/adapter-scenarios.ts): a write at a version that is no longer the stored one, or
 * without a version while a ConfigMap exists, is a `conflict` and changes nothing. Reads and
 * writes can be made to fail, and `beforeWrite` runs inside a write before its version is checked
 * (another process acting between a read and the write based on it).
 */
import {
  decodeForecastMarker,
  encodeForecastMarker,
  type ForecastMarker,
  type ForecastMarkerRead,
  type ForecastMarkerStore,
  type ForecastMarkerWriteOutcome,
} from '../../controller/forecast-marker';

export class MemoryMarkerStore implements ForecastMarkerStore {
  readonly location = 'kafka-autoscaler/orders-kafka-autoscaler-forecast';
  /** The stored value; undefined while there is no ConfigMap (or the operator deleted it). */
  private stored: string | undefined;
  /** The ConfigMap's version; undefined while there is none. */
  version: string | undefined;
  private nextVersion = 1;
  failReads = false;
  failWrites = false;
  reads = 0;
  writes = 0;
  conflicts = 0;
  /** Runs inside the next write, before its version is checked; cleared once run. */
  beforeWrite: (() => void) | undefined;

  constructor(marker?: ForecastMarker) {
    if (marker !== undefined) this.text = encodeForecastMarker(marker);
  }

  /** The stored value; setting it (another's write, or undefined: a delete) moves the version. */
  get text(): string | undefined {
    return this.stored;
  }

  set text(value: string | undefined) {
    this.stored = value;
    this.version = value === undefined ? undefined : String(this.nextVersion++);
  }

  /** The stored marker, decoded; undefined when none. */
  get marker(): ForecastMarker | undefined {
    if (this.stored === undefined) return undefined;
    const decoded = decodeForecastMarker(this.stored);
    if ('error' in decoded) throw new Error(decoded.error);
    return decoded.marker;
  }

  read = async (): Promise<ForecastMarkerRead> => {
    this.reads++;
    if (this.failReads)
      throw new Error('configmaps "orders-kafka-autoscaler-forecast" is forbidden');
    return { marker: this.marker, version: this.version };
  };

  write = async (
    marker: ForecastMarker,
    readVersion: string | undefined,
  ): Promise<ForecastMarkerWriteOutcome> => {
    this.writes++;
    if (this.failWrites) throw new Error('etcdserver: request timed out');
    // As the adapter: an empty version would make an unconditional write; refused, not a conflict.
    if (readVersion === '') {
      throw new Error(
        `forecast marker write to ConfigMap ${this.location}: the resourceVersion read is empty; read the marker again`,
      );
    }
    const race = this.beforeWrite;
    this.beforeWrite = undefined;
    race?.();
    if (readVersion !== this.version) {
      this.conflicts++;
      return 'conflict';
    }
    this.text = encodeForecastMarker(marker);
    return 'written';
  };
}
