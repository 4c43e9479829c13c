/**
 * Counts what keeps a Neon runtime alive (connections, workers, replayers) so that `close()` can
 * return at once and the runtime is shut down when the last of them is closed.
 */
import { CoreError } from '../errors';

export class RuntimeRefs {
  private count = 0;
  private closing = false;
  private released = false;

  constructor(private readonly shutdown: () => void) {}

  /** Takes a reference for a new child object; refused once the runtime is closing. */
  acquire(what: string): void {
    if (this.closing) throw new CoreError(`${what}: the runtime is closed`);
    this.count += 1;
  }

  release(): void {
    this.count -= 1;
    this.maybeShutdown();
  }

  /** Marks the runtime closed; it shuts down now or when the last child releases. Idempotent. */
  close(): void {
    this.closing = true;
    this.maybeShutdown();
  }

  private maybeShutdown(): void {
    if (this.closing && this.count === 0 && !this.released) {
      this.released = true;
      this.shutdown();
    }
  }
}
