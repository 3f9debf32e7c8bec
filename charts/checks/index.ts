/**
 * Safety invariants over synthesized objects, as plain functions: the tests run them on every
 * chart and on deliberately broken copies (each broken copy must produce a problem).
 */
export { containerSecurityProblems } from './pod-security';
export { drainCleanerProblems, missingPdbProblems } from './disruption';
export { deschedulerPoliciesIn, deschedulerPolicyProblems, evictionVerdict } from './descheduler';
export { grantsFor, rbacProblems } from './rbac';
export type { JsonObject } from './objects';
