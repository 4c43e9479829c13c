/**
 * Which backends and which peers the contract suite can use in this process.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { availableBackends } from '../../lib/core';
import type { BackendName } from '../../lib/core';
import { backendBanner } from '../support/backend-banner';

const REPO = path.resolve(__dirname, '..', '..');

/** The native developer's fake core (test/fake-core/binding.gyp), used when no real C bridge library is present. */
export const FAKE_CORE_LIBRARY = path.join(REPO, 'test', 'fake-core', 'build', 'Release', 'libtemporalio_sdk_core_c_bridge.so');

export interface ContractBackend {
  name: BackendName;
  /** Passed to `createRuntime`: the fake core's path when it stands in for the real library. */
  coreLibraryPath: string | undefined;
  /** True when `native` runs on the fake core, which has no real network or replay behaviour. */
  fake: boolean;
}

/** `neon` always; `native` on the real library when found, else on the fake core when built. */
export async function contractBackends(): Promise<ContractBackend[]> {
  const found = await availableBackends();
  const list: ContractBackend[] = [];
  if (found.includes('native')) {
    list.push({ name: 'native', coreLibraryPath: undefined, fake: false });
    console.log(`contract suite: ${await backendBanner()}`);
  } else if (process.env.CI === 'true') {
    // CI builds the real library (npm ci runs build-core): a run without it proves nothing about the product.
    throw new Error('The contract suite needs the real core library in CI (libtemporalio_sdk_core_c_bridge); npm ci should have built it');
  } else if (fs.existsSync(FAKE_CORE_LIBRARY) && (await availableBackends(FAKE_CORE_LIBRARY)).includes('native')) {
    list.push({ name: 'native', coreLibraryPath: FAKE_CORE_LIBRARY, fake: true });
  }
  list.push({ name: 'neon', coreLibraryPath: undefined, fake: false });
  return list;
}

/** The slice of `lib/testing`'s `DevServer` the suite uses. */
export interface DevServerHandle {
  address: string;
  namespace: string;
  stop(): Promise<void>;
}

const TESTING_MODULE = path.join(REPO, 'lib', 'testing', 'index.ts');

/** True once `lib/testing/index.ts` exists and exports `DevServer`. */
export const devServerAvailable = fs.existsSync(TESTING_MODULE) && /\bDevServer\b/.test(fs.readFileSync(TESTING_MODULE, 'utf8'));

/** Starts the embedded dev server on a random port. */
export async function startDevServer(): Promise<DevServerHandle> {
  const testing = (await import(TESTING_MODULE)) as {
    DevServer?: { start(options: { port: number }): Promise<DevServerHandle> };
  };
  if (testing.DevServer === undefined) throw new Error(`${TESTING_MODULE} does not export DevServer`);
  return testing.DevServer.start({ port: 0 });
}

/** A loopback port with nothing listening on it: bound, read, and released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
