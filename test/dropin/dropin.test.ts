/**
 * Drop-in proof (see harness.ts): every app gives the same, expected result on the official SDK and
 * on temporal-native with only its imports changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/real-server';
import { appNames, expectedResult, runApp } from './harness';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(undefined, { searchAttributes: { DropinCustomer: 'Keyword', DropinAmount: 'Int' } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('apps written for the official SDK run unchanged but for their imports', () => {
  for (const app of appNames()) {
    it(`${app}: same result on both SDKs`, async () => {
      const official = await runApp(app, 'official', server.address);
      const ours = await runApp(app, 'temporal-native', server.address);
      expect(official.result).toEqual(expectedResult(app));
      expect(ours.result).toEqual(official.result);
    }, 180_000);
  }
});
