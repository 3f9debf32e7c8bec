/** Jest globalTeardown of the cluster tier: stops the control plane and removes its data. */
import './global-setup';

export default async function globalTeardown(): Promise<void> {
  const plane = globalThis.kafkaEksControlPlane;
  globalThis.kafkaEksControlPlane = undefined;
  if (plane !== undefined) await plane.stop();
}
