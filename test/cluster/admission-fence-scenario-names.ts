/** The admission fence scenarios, in run order; shared by the runner and the jest test. */
export const ADMISSION_FENCE_SCENARIOS = [
  'the rendered policy and binding are accepted, their CEL compiles',
  'no Lease yet: the controller creates it with its ServiceAccount, then every write of the leader passes',
  "a paused leader's writes after a takeover are refused by the API server",
  "a paused leader's refused write is recognised as the fence's, counted on /metrics, and ends its leadership until it reads the Lease",
  "a write that would change nothing but the stamp is not sent: someone else's cordon keeps its resourceVersion",
  "other users' requests are untouched, stamp or none, Lease or none",
  "why parameterNotFoundAction Allow: with Deny, a missing Lease refuses other users' writes too",
] as const;

export type AdmissionFenceScenario = (typeof ADMISSION_FENCE_SCENARIOS)[number];

export interface AdmissionFenceResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly ms: number;
}
