/**
 * The embedded Temporal dev server, in process.
 *
 * @example
 * ```ts
 * import { startDevServer } from 'temporal-native/devserver';
 * const server = await startDevServer({ port: 7233, dbPath: 'dev.sqlite' });
 * console.log(`listening on ${server.address}`);
 * await server.stop();
 * ```
 */
export { startDevServer, DEFAULT_NAMESPACE, type DevServerOptions, type RunningDevServer } from './server';
