/**
 * An in-memory `LeaseStore` for tests (a stand-in for the Kubernetes Lease, through the adapter's
 * `leaseStore()`): create fails with 409 when the Lease exists, update with 409 when the
 * resourceVersion is stale, and an update of a Lease that is gone creates it as written, as
 * kube-apiserver does (Leases are created on update). Kept honest by the shared scenarios of
 * `kube-conformance-scenarios.ts`, run on a real kube-apiserver in the cluster tier.
 */
import { LeaderElector, type LeaseState, type LeaseStore } from '../../controller/leader-election';

/** The stand-in store; `lease` is the stored Lease (undefined: none). */
export class MemoryLeaseStore implements LeaseStore {
  lease: LeaseState | undefined;
  private version = 0;

  /** Calls of any kind so far. */
  calls = 0;

  async get(): Promise<LeaseState | undefined> {
    this.calls++;
    return this.lease;
  }

  async create(lease: Omit<LeaseState, 'resourceVersion'>): Promise<void> {
    this.calls++;
    if (this.lease !== undefined) throw Object.assign(new Error('exists'), { code: 409 });
    this.lease = { ...lease, resourceVersion: String(++this.version) };
  }

  async update(lease: LeaseState): Promise<void> {
    this.calls++;
    if (this.lease !== undefined && this.lease.resourceVersion !== lease.resourceVersion) {
      throw Object.assign(new Error('conflict'), { code: 409 });
    }
    this.lease = { ...lease, resourceVersion: String(++this.version) };
  }
}

/** Lease timing of the replicas below, seconds (lease 15, renew deadline 10, retry 2). */
export const REPLICA_TIMING = {
  leaseDurationSeconds: 15,
  renewDeadlineSeconds: 10,
  retryPeriodSeconds: 2,
};

/**
 * A replica `identity` electing on `store`, with its own wall and monotonic clocks (ms, wall from
 * `startMs`), advanced together by `advance` (a frozen replica is one the test does not advance).
 */
export function replica(identity: string, store: MemoryLeaseStore, startMs = 1_000_000) {
  const clocks = { wall: startMs, mono: 0 };
  const elector = new LeaderElector(
    identity,
    store,
    REPLICA_TIMING,
    () => clocks.wall,
    () => undefined,
    () => clocks.mono,
  );
  return {
    elector,
    clocks,
    advance(ms: number) {
      clocks.wall += ms;
      clocks.mono += ms;
    },
  };
}
