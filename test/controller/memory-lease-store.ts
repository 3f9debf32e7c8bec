/**
 * An in-memory `LeaseStore` for tests (a stand-in for the Kubernetes Lease): create fails with 409
 * when the Lease exists, update with 409 when the resourceVersion is stale, as the API server does.
 */
import type { LeaseState, LeaseStore } from '../../controller/leader-election';

/** The stand-in store; `lease` is the stored Lease (undefined: none). */
export class MemoryLeaseStore implements LeaseStore {
  lease: LeaseState | undefined;
  private version = 0;

  async get(): Promise<LeaseState | undefined> {
    return this.lease;
  }

  async create(lease: Omit<LeaseState, 'resourceVersion'>): Promise<void> {
    if (this.lease !== undefined) throw Object.assign(new Error('exists'), { code: 409 });
    this.lease = { ...lease, resourceVersion: String(++this.version) };
  }

  async update(lease: LeaseState): Promise<void> {
    if (this.lease?.resourceVersion !== lease.resourceVersion) {
      throw Object.assign(new Error('conflict'), { code: 409 });
    }
    this.lease = { ...lease, resourceVersion: String(++this.version) };
  }
}
