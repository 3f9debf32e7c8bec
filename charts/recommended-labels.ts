/**
 * Kubernetes' recommended labels that our own Deployments carry on their metadata (not on their
 * selectors or pod templates, so adding one never touches an immutable selector).
 *
 * `app.kubernetes.io/instance` names the instance of an application; for our single-instance
 * workloads it equals the Deployment's name. Polaris' `metadataAndInstanceMismatched` check asks
 * for exactly that (Polaris 10.2 `checks/metadataAndInstanceMismatched.yaml`).
 */
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
