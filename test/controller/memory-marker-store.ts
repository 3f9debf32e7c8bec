/**
 * An in-memory forecast history marker store for tests: the ConfigMap's one data value as text,
 * encoded and decoded as the Kubernetes adapter does (`forecastMarkerStore`, tested against a real
 * API server in test/cluster/adapter-scenarios.ts), with reads and writes that can be made to fail.
 */
import {
  decodeForecastMarker,
  encodeForecastMarker,
  type ForecastMarker,
  type ForecastMarkerStore,
} from '../../controller/forecast-marker';

export class MemoryMarkerStore implements ForecastMarkerStore {
  readonly location = 'kafka-autoscaler/orders-kafka-autoscaler-forecast';
  /** The stored value; undefined while there is no ConfigMap (or the operator deleted it). */
  text: string | undefined;
  failReads = false;
  failWrites = false;
  reads = 0;
  writes = 0;

  constructor(marker?: ForecastMarker) {
    this.text = marker === undefined ? undefined : encodeForecastMarker(marker);
  }

  /** The stored marker, decoded; undefined when none. */
  get marker(): ForecastMarker | undefined {
    if (this.text === undefined) return undefined;
    const decoded = decodeForecastMarker(this.text);
    if ('error' in decoded) throw new Error(decoded.error);
    return decoded.marker;
  }

  read = async (): Promise<ForecastMarker | undefined> => {
    this.reads++;
    if (this.failReads)
      throw new Error('configmaps "orders-kafka-autoscaler-forecast" is forbidden');
    return this.marker;
  };

  write = async (marker: ForecastMarker): Promise<void> => {
    this.writes++;
    if (this.failWrites) throw new Error('etcdserver: request timed out');
    this.text = encodeForecastMarker(marker);
  };
}
