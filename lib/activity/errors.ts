import { brandClass } from '../common/class-marker';

/**
 * Throw from an activity to leave it open: the worker reports "will complete asynchronously" and
 * someone completes it later by task token or by id through the client.
 *
 * Branded like the official class, so `@temporalio/common`'s `CompleteAsyncError` is recognised too.
 *
 * @example
 * ```ts
 * export async function approve(): Promise<string> {
 *   await queue.push(Buffer.from(Context.current().info.taskToken).toString('base64'));
 *   throw new CompleteAsyncError();
 * }
 * ```
 */
export class CompleteAsyncError extends Error {}
brandClass(CompleteAsyncError, 'CompleteAsyncError');

/**
 * Thrown when an activity-only API (`Context.current()`, `heartbeat()`, ...) is called outside of a
 * running activity.
 *
 * @example
 * ```ts
 * try { Context.current(); } catch (e) { if (e instanceof ActivityContextError) console.log('not in an activity'); }
 * ```
 */
export class ActivityContextError extends Error {}
brandClass(ActivityContextError, 'ActivityContextError');
