/** The adapter scenarios, in run order; shared by the runner and the jest test. */
export const SCENARIOS = [
  'lists only Kafka nodes, with a resourceVersion',
  'cordons and uncordons a node by UID',
  'never claims or undoes a cordon someone else made',
  'marks its cordon on a node that already carries annotations (every kubelet-registered node)',
  'refuses to cordon a node that was replaced under the same name',
  'writes the operation record only on the node version it observed',
  'the server refuses a JSON patch whose resourceVersion test fails',
  'annotates a broker pod for a Strimzi roll by UID',
  'refuses to annotate a pod that Strimzi already recreated',
  'reads a node and the broker pods bound to it, live',
  'reads every broker pod live past the watch cache, and a roll checked on that read holds',
  'reads every Node whose providerID names an instance, live, Kafka label or not',
  'records an Event on the Kafka resource',
  'forecast marker: none, created, read back, replaced; a value that is not one is an error',
  'forecast marker: a write based on a stale read is a conflict and changes nothing',
  'forecast marker: a ConfigMap without the key, or recreated with other keys, keeps them',
  "forecast marker: the controller's own RBAC from the chart allows it, and no other ConfigMap",
  'reads the Kafka resource, or undefined when there is none',
  'lease: create, renew, 409 on a stale update and on a second create',
  'leader election: one winner of a race, takeover after the leader stops renewing, and the old leader writes nothing',
  'watch: ordered events with increasing resourceVersions',
  '410 Gone after compaction: a reconnect to another API server, and the cache relists',
] as const;

export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly ms: number;
}
