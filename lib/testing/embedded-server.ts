/**
 * The embedded dev server, loaded on first use: grpc-js and the server's modules are needed by the
 * tests that start a server, not by those that only use MockActivityEnvironment or the workflow
 * interceptor modules, so importing `temporal-native/testing` stays cheap.
 */
import type { DevServerOptions, RunningDevServer } from '../devserver';

/**
 * Starts the embedded dev server, loading it first if this is the first one.
 *
 * @example
 * ```ts
 * const server = await startEmbeddedDevServer({ port: 0, timeSkipping: true });
 * await server.stop();
 * ```
 */
export async function startEmbeddedDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const { startDevServer } = await import('../devserver/index.js');
  return startDevServer(options);
}
