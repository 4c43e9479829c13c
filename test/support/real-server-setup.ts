/**
 * globalSetup of the `e2e-cli` vitest project: gets the pinned Temporal CLI once, before any file of
 * the project starts a server, so a cold build (minutes) happens once and is reported once. Failing
 * to get it fails the project; it never skips.
 */
import { ensureCli } from './real-server';

export default async function setup(): Promise<void> {
  const started = Date.now();
  const binary = await ensureCli();
  console.log(`e2e-cli: the real Temporal server's CLI is ${binary} (${Date.now() - started} ms to ensure)`);
}
