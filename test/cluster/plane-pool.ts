/**
 * Fresh, empty control planes for tests that need one per case, started one ahead: while a case
 * uses its plane, the next one starts in the background (a start takes 2.6-4 s, mostly waiting),
 * and used planes stop in the background too. Used by the layered GitOps apply tests.
 */
import { startControlPlane, type ControlPlane } from './control-plane';

export class ControlPlanePool {
  private started = 0;
  private spare: Promise<ControlPlane> | undefined;
  private readonly stopping: Array<Promise<void>> = [];

  /** @param planesNeeded how many planes the file takes in all; no spare is started past it. */
  public constructor(private readonly planesNeeded: number) {}

  /** A fresh control plane with no CRDs; give it back with `release`. */
  public take(): Promise<ControlPlane> {
    const plane = this.spare ?? this.start();
    this.spare = this.started < this.planesNeeded ? this.start() : undefined;
    return plane;
  }

  /** Stops a plane in the background; `stopAll` waits for it. */
  public release(plane: ControlPlane): void {
    this.stopping.push(plane.stop());
  }

  /** Stops the spare (if any) and waits for every plane to stop; call it in `afterAll`. */
  public async stopAll(): Promise<void> {
    if (this.spare !== undefined) {
      this.stopping.push(
        this.spare.then(
          plane => plane.stop(),
          () => undefined,
        ),
      );
      this.spare = undefined;
    }
    await Promise.all(this.stopping);
  }

  private start(): Promise<ControlPlane> {
    this.started += 1;
    const plane = startControlPlane({});
    plane.catch(() => undefined); // awaited by its taker; no unhandled rejection meanwhile
    return plane;
  }
}
