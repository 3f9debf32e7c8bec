/**
 * `predictive-target-tracking`: what a user would pick instead of the controller. Per zone, the
 * baseline recipe's target tracking (`target-tracking.ts`) plus an EC2 predictive scaling policy
 * in mode `ForecastAndScale` on the same metric and target. Parameters from the AWS documentation
 * (EC2 Auto Scaling User Guide "Predictive scaling for Amazon EC2 Auto Scaling", API reference
 * `PredictiveScalingConfiguration`):
 *
 * - the forecast needs at least 24 h of metric history and uses up to the last 14 days;
 * - it is hourly, covers the next 48 h and is refreshed every 6 h;
 * - capacity for an hour is launched `SchedulingBufferTime` ahead of it (default 300 s, under 3600);
 * - a forecast drop never scales in: the forecast capacity only raises the group, and target
 *   tracking's own scale-in does not go below the forecast of the current hour.
 *
 * AWS's forecasting model is not published. The stand-in here: the forecast load of an hour is the
 * mean of the zone's total network load in the same hour of the day over the past days (up to 14);
 * forecast capacity = ceil(forecast load / (baseline x target)). It sees the load through the same
 * metrics lag as target tracking.
 */
import { MINUTE_MS } from '../demand';
import type { ClusterModel } from '../cluster';
import { TargetTrackingStrategy, type TargetTrackingOptions } from './target-tracking';

const HOUR_MS = 3_600_000;
const HOURS_PER_DAY = 24;

/** AWS's documented parameters of predictive scaling, with the defaults the strategy uses. */
export interface PredictiveScalingParameters {
  /** History needed before the first forecast, hours. @default 24 */
  readonly minHistoryHours: number;
  /** Most history used, days. @default 14 */
  readonly historyDays: number;
  /** Forecast refresh interval, hours. @default 6 */
  readonly refreshHours: number;
  /** Forecast horizon, hours. @default 48 */
  readonly horizonHours: number;
  /** `SchedulingBufferTime`: capacity for an hour is launched this early, seconds. @default 300 */
  readonly schedulingBufferSeconds: number;
}

export const AWS_PREDICTIVE_SCALING: PredictiveScalingParameters = {
  minHistoryHours: 24,
  historyDays: 14,
  refreshHours: 6,
  horizonHours: 48,
  schedulingBufferSeconds: 300,
};

export class PredictiveTargetTrackingStrategy extends TargetTrackingStrategy {
  private readonly parameters: PredictiveScalingParameters;
  private readonly firstMs: number;
  /** Per zone: total network load per finished hour since the start (MiB/s, hourly mean). */
  private readonly hourlyLoad: number[][];
  /** Per zone: sum and minutes of the hour being collected. */
  private readonly hourSums: { sum: number; minutes: number }[];
  private lastMinuteSampled = -1;
  /** Per zone: forecast capacity by absolute hour index (hours since the epoch). */
  private readonly forecast: Map<number, number>[];
  private nextRefreshMs: number;
  /** Per zone: the forecast capacity in force (the floor for scale-in). */
  private readonly floors: number[];

  constructor(
    cluster: ClusterModel,
    options: TargetTrackingOptions = {},
    parameters: PredictiveScalingParameters = AWS_PREDICTIVE_SCALING,
  ) {
    super(cluster, options);
    this.parameters = parameters;
    this.firstMs = cluster.nowMs;
    const zones = cluster.facts.zones.length;
    this.hourlyLoad = Array.from({ length: zones }, () => []);
    this.hourSums = Array.from({ length: zones }, () => ({ sum: 0, minutes: 0 }));
    this.forecast = Array.from({ length: zones }, () => new Map());
    this.floors = Array.from({ length: zones }, () => 0);
    // Refreshes run on the UTC 6-hour grid.
    const refreshMs = parameters.refreshHours * HOUR_MS;
    this.nextRefreshMs = Math.ceil(cluster.nowMs / refreshMs) * refreshMs;
  }

  protected override capacityFloor(zoneIndex: number): number {
    return this.floors[zoneIndex];
  }

  override act(cluster: ClusterModel): void {
    this.collect(cluster);
    if (cluster.nowMs >= this.nextRefreshMs) {
      this.nextRefreshMs += this.parameters.refreshHours * HOUR_MS;
      this.refresh(cluster);
    }
    this.applyForecast(cluster);
    super.act(cluster);
  }

  /** Once a minute: the zone's total network load as the metric shows it (after the lag). */
  private collect(cluster: ClusterModel): void {
    const minute = Math.floor((cluster.nowMs - this.firstMs) / MINUTE_MS);
    if (minute === this.lastMinuteSampled) return;
    this.lastMinuteSampled = minute;
    const perBroker = cluster.brokerLoadObserved();
    cluster.facts.zones.forEach((zone, zoneIndex) => {
      const sums = this.hourSums[zoneIndex];
      sums.sum += perBroker * zone.brokerIds.length;
      sums.minutes++;
      if (sums.minutes === 60) {
        this.hourlyLoad[zoneIndex].push(sums.sum / 60);
        sums.sum = 0;
        sums.minutes = 0;
      }
    });
  }

  /** A new 48-hour forecast, when 24 hours of history exist. */
  private refresh(cluster: ClusterModel): void {
    const { parameters } = this;
    const target = this.targetMiBps();
    const firstHour = Math.floor(this.firstMs / HOUR_MS);
    cluster.facts.zones.forEach((_, zoneIndex) => {
      const history = this.hourlyLoad[zoneIndex];
      if (history.length < parameters.minHistoryHours) return;
      this.count('forecast-refreshed');
      const group = cluster.groups[zoneIndex];
      const nowHour = Math.floor(cluster.nowMs / HOUR_MS);
      const forecast = new Map<number, number>();
      for (let hour = nowHour; hour < nowHour + parameters.horizonHours; hour++) {
        let sum = 0;
        let days = 0;
        for (let day = 1; day <= parameters.historyDays; day++) {
          const index = hour - day * HOURS_PER_DAY - firstHour;
          if (index < 0) break;
          if (index >= history.length) continue;
          sum += history[index];
          days++;
        }
        if (days === 0) continue;
        const capacity = Math.ceil(sum / days / target);
        forecast.set(hour, Math.min(group.max, Math.max(group.min, capacity)));
      }
      this.forecast[zoneIndex] = forecast;
    });
  }

  /**
   * The scheduled capacity: from `schedulingBufferSeconds` before an hour, that hour's forecast is
   * the floor; it raises the group when above its desired capacity and never lowers it.
   */
  private applyForecast(cluster: ClusterModel): void {
    const leadMs = this.parameters.schedulingBufferSeconds * 1000;
    const hour = Math.floor((cluster.nowMs + leadMs) / HOUR_MS);
    cluster.groups.forEach((group, zoneIndex) => {
      const capacity = this.forecast[zoneIndex].get(hour);
      this.floors[zoneIndex] = capacity ?? 0;
      if (capacity !== undefined && capacity > group.desired) {
        cluster.setDesired(zoneIndex, capacity);
        cluster.books.scalingActions++;
        this.count('predictive-scale-out');
      }
    });
  }
}
