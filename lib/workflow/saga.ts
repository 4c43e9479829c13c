import { CancellationScope } from '@temporalio/workflow';

/** A compensating action: undoes one step that already succeeded. */
export type Compensation = () => Promise<unknown> | unknown;

export interface CompensateOptions {
  /**
   * Run every compensation even when one fails (default `true`). The failures are collected into
   * the `SagaCompensationError` thrown at the end, so none is lost.
   */
  continueOnError?: boolean;
}

/** Raised when one or more compensations failed; `errors` holds each failure in the order they ran. */
export class SagaCompensationError extends Error {
  override readonly name = 'SagaCompensationError';
  constructor(readonly errors: readonly unknown[]) {
    super(`${errors.length} compensation(s) failed: ${errors.map(describe).join('; ')}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Records how to undo each completed step of a workflow and, on failure, undoes them in reverse
 * order. Compensations run in a non-cancellable scope: a workflow that is being cancelled must still
 * release what it reserved, which is the point of a saga.
 *
 * @example
 * ```ts
 * import { proxyActivities } from '@temporalio/workflow';
 * import { Saga } from 'temporal-native/workflow';
 *
 * export async function order(id: string): Promise<string> {
 *   const saga = new Saga();
 *   try {
 *     await reserveStock(id);
 *     saga.add(() => releaseStock(id));
 *     await chargePayment(id);
 *     saga.add(() => refundPayment(id));
 *     return 'completed';
 *   } catch (err) {
 *     await saga.compensate();
 *     throw err;
 *   }
 * }
 * ```
 */
export class Saga {
  private readonly compensations: Compensation[] = [];

  /** Registers the compensation of the step that just succeeded. */
  add(compensation: Compensation): void {
    if (typeof compensation !== 'function') {
      throw new TypeError('Saga.add(compensation): compensation must be a function');
    }
    this.compensations.push(compensation);
  }

  /** How many compensations are waiting to run. */
  get size(): number {
    return this.compensations.length;
  }

  /**
   * Runs the registered compensations, last added first, then forgets them. Throws a
   * `SagaCompensationError` listing every compensation that failed.
   */
  async compensate(options: CompensateOptions = {}): Promise<void> {
    const continueOnError = options.continueOnError ?? true;
    const pending = this.compensations.splice(0).reverse();
    const errors: unknown[] = [];
    await CancellationScope.nonCancellable(async () => {
      for (const compensation of pending) {
        try {
          await compensation();
        } catch (error) {
          errors.push(error);
          if (!continueOnError) break;
        }
      }
    });
    if (errors.length > 0) throw new SagaCompensationError(errors);
  }
}
