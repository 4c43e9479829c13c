/**
 * `temporal-native/workflow`: the workflow API. Workflows written against `@temporalio/workflow`
 * run unchanged on our worker; this entry point re-exports that package so users may import from
 * either, plus our own workflow-side helpers.
 *
 * @example
 * ```ts
 * import { proxyActivities, sleep } from 'temporal-native/workflow';
 * const { charge } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });
 * export async function order(id: string) { await charge(id); await sleep('1 day'); }
 * ```
 *
 * @module
 */
export * from '@temporalio/workflow';
export * from './saga';
