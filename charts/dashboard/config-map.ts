/**
 * The dashboard as a ConfigMap that kube-prometheus-stack's Grafana dashboard sidecar loads: the
 * chart's defaults watch ConfigMaps labelled `grafana_dashboard: "1"` in every namespace
 * (kube-prometheus-stack `values.yaml`, `grafana.sidecar.dashboards.label`, `labelValue`,
 * `searchNamespace: ALL`), and each data key ending in `.json` becomes one dashboard.
 */
import type { PlatformSpec } from '../../spec/schema';
import { autoscalerDashboard, dashboardInputFromSpec } from './autoscaler-dashboard';

/** Label key and value the sidecar selects on (kube-prometheus-stack defaults). */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: '1' } as const;

/** Name, namespace, labels and data of the dashboard ConfigMap. */
export interface DashboardConfigMap {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** One key, `<name>.json`, holding the dashboard JSON (2-space indented, stable key order). */
  readonly data: Readonly<Record<string, string>>;
}

/** The ConfigMap for `spec`, in `monitoring.namespace` next to Grafana. */
export function dashboardConfigMap(spec: PlatformSpec): DashboardConfigMap {
  const name = `${spec.name}-kafka-autoscaling-dashboard`;
  const dashboard = autoscalerDashboard(dashboardInputFromSpec(spec));
  return {
    name,
    namespace: spec.monitoring.namespace,
    labels: { ...GRAFANA_DASHBOARD_LABEL },
    data: { [`${name}.json`]: `${JSON.stringify(dashboard, null, 2)}\n` },
  };
}
