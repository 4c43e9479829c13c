/**
 * The embedded Temporal dev server, in process. Package users reach it through
 * `DevServer.start` in `temporal-native/testing` or the `temporal-native dev-server` command; code in
 * this repository (examples, benchmarks) may import it directly.
 *
 * @example
 * ```ts
 * import { startDevServer } from '../lib/devserver';
 * const server = await startDevServer({ port: 7233, dbPath: 'dev.sqlite' });
 * console.log(`listening on ${server.address}`);
 * await server.stop();
 * ```
 */
export { startDevServer, DEFAULT_NAMESPACE, type DevServerOptions, type RunningDevServer } from './server';
export type { DevServerTlsOptions, PemSource } from './listen-security';
