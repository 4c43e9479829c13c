import { describe, expect, it } from 'vitest';
import { resolveDataConverter } from '../../lib/converter';
import type { Payload, PayloadCodec } from '../../lib/converter/types';
import { HeartbeatSender } from '../../lib/worker/activity/heartbeat-sender';
import { ConsoleLogger } from '../../lib/worker/logger';
import { HeartbeatRecorder } from './recording-core-worker';

/** A codec that holds every encode until the test opens the gate, to make "in flight" observable. */
class GatedCodec implements PayloadCodec {
  private waiting: (() => void)[] = [];
  encodes = 0;
  async encode(payloads: Payload[]): Promise<Payload[]> {
    this.encodes++;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return payloads;
  }
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads;
  }
  /** Lets the encodes waiting now finish; returns how many there were. */
  open(): number {
    const waiting = this.waiting;
    this.waiting = [];
    waiting.forEach((resolve) => resolve());
    return waiting.length;
  }
}

const plain = resolveDataConverter();

function newSender() {
  const codec = new GatedCodec();
  const recorder = new HeartbeatRecorder();
  const conversionFailures: unknown[] = [];
  const sender = new HeartbeatSender(
    new Uint8Array([1, 2, 3]),
    { coreWorker: recorder.asCoreWorker(), dataConverter: resolveDataConverter({ payloadCodecs: [codec] }), logger: new ConsoleLogger('ERROR') },
    (error) => conversionFailures.push(error),
  );
  const sent = () => Promise.all(recorder.heartbeats.map((h) => plain.decodeOne(h.details[0])));
  return { codec, sender, sent, conversionFailures };
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('HeartbeatSender', () => {
  it('converts at most one heartbeat at a time', async () => {
    const { codec, sender } = newSender();
    sender.heartbeat(1);
    sender.heartbeat(2);
    sender.heartbeat(3);
    await settle();
    expect(codec.encodes).toBe(1);
  });

  it('sends the newest pending heartbeat once the one in flight is done', async () => {
    const { codec, sender, sent } = newSender();
    sender.heartbeat(1);
    sender.heartbeat(2);
    sender.heartbeat(3);
    await settle();
    codec.open();
    await settle();
    codec.open();
    await settle();
    expect(await sent()).toEqual([1, 3]);
  });

  it('on close without flush, drops the pending heartbeat and resolves when the one in flight is sent', async () => {
    const { codec, sender, sent } = newSender();
    sender.heartbeat('in flight');
    sender.heartbeat('pending');
    await settle();
    const closed = sender.close(false);
    codec.open();
    await closed;
    expect(await sent()).toEqual(['in flight']);
    expect(codec.open()).toBe(0);
  });

  it('on close with flush, sends the pending heartbeat before resolving', async () => {
    const { codec, sender, sent } = newSender();
    sender.heartbeat('in flight');
    sender.heartbeat('pending');
    await settle();
    let closed = false;
    const closing = sender.close(true).then(() => { closed = true; });
    codec.open();
    await settle();
    expect(closed).toBe(false);
    codec.open();
    await closing;
    expect(await sent()).toEqual(['in flight', 'pending']);
  });

  it('refuses heartbeats after close', async () => {
    const { codec, sender } = newSender();
    await sender.close(false);
    sender.heartbeat('late');
    await settle();
    expect(codec.encodes).toBe(0);
  });

  it('reports details the data converter cannot convert', async () => {
    const { sender, conversionFailures, sent } = newSender();
    sender.heartbeat(Symbol('not serializable'));
    await sender.close(false);
    expect(conversionFailures).toHaveLength(1);
    expect(await sent()).toEqual([]);
  });
});
