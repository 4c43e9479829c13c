/**
 * Runtime.install with `logging: { filter, forward: {} }`: the core's lines that pass the filter
 * reach the installed logger, marked `sdkComponent: 'core'`; the logger is also the workers' default.
 */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { Connection, LevelLogger, Runtime, Worker, type LogLevel, type LogMetadata } from '../../lib';
import type { BackendName } from '../../lib/core';
import { DevServer } from '../../lib/testing';
import { eventually } from '../support/eventually';

class CollectingLogger extends LevelLogger {
  readonly lines: Array<{ level: LogLevel; message: string; meta?: LogMetadata }> = [];
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.lines.push({ level, message, meta });
  }
}

export function coreLogForwarding(backend: BackendName): void {
  it(`${backend}: core lines passing the filter reach the installed logger, which workers use by default`, async () => {
    const logger = new CollectingLogger();
    Runtime.install({ logger, telemetryOptions: { logging: { filter: { core: 'DEBUG' }, forward: {} } } });
    const server = await DevServer.start();
    const connection = await Connection.connect({ address: server.address, backend });
    try {
      const taskQueue = `logs-${randomUUID()}`;
      const worker = await Worker.create({ connection, taskQueue, activities: { async noop() {} }, handleSignals: false });
      await worker.runUntil(async () => {
        await eventually('a forwarded core line', async () => logger.lines.some((line) => line.meta?.sdkComponent === 'core'), (found) => found);
      });
      const core = logger.lines.filter((line) => line.meta?.sdkComponent === 'core');
      expect(core.some((line) => line.level === 'DEBUG' || line.level === 'INFO')).toBe(true);
      expect(core.every((line) => typeof line.meta?.target === 'string')).toBe(true);
      // The worker logged through the installed logger too (it was given none of its own).
      expect(logger.lines.some((line) => line.message === 'Worker shutting down')).toBe(true);
    } finally {
      await connection.close();
      await server.stop();
    }
  });
}
