/**
 * Finds every payload inside a Failure tree (encoded attributes, details, heartbeat details, at
 * every level of `cause`) so codecs can run over them.
 */
import type { Payload, ProtoFailure } from './types';

type PayloadsTransform = (payloads: Payload[]) => Promise<Payload[]>;

/**
 * Returns a copy of `failure` with all its payloads replaced by `transform`'s output. All payloads
 * go through one `transform` call (one codec round trip per failure, not one per payload). The
 * input is not modified.
 *
 * @example
 * ```ts
 * const encoded = await mapFailurePayloads(failure, (payloads) => codec.encode(payloads));
 * ```
 */
export async function mapFailurePayloads(failure: ProtoFailure, transform: PayloadsTransform): Promise<ProtoFailure> {
  const collected: Payload[] = [];
  const writers: ((replacement: Payload[]) => void)[] = [];

  /** Registers a slot holding `payloads`; `write` receives the transformed slice. */
  const slot = (payloads: Payload[], write: (replaced: Payload[]) => void): void => {
    const start = collected.length;
    collected.push(...payloads);
    writers.push((all) => write(all.slice(start, start + payloads.length)));
  };

  const copyTree = (node: ProtoFailure, depth: number): ProtoFailure => {
    // A server-produced chain is short; a loop (possible only in hand-built objects) must not hang us.
    if (depth > 1000) throw new RangeError('Failure cause chain deeper than 1000 levels');
    const copy: ProtoFailure = { ...node };
    if (node.encodedAttributes) {
      slot([node.encodedAttributes], ([p]) => (copy.encodedAttributes = p));
    }
    const app = node.applicationFailureInfo;
    if (app?.details?.payloads?.length) {
      const info = (copy.applicationFailureInfo = { ...app });
      slot(app.details.payloads, (p) => (info.details = { ...app.details, payloads: p }));
    }
    const timeout = node.timeoutFailureInfo;
    if (timeout?.lastHeartbeatDetails?.payloads?.length) {
      const info = (copy.timeoutFailureInfo = { ...timeout });
      slot(timeout.lastHeartbeatDetails.payloads, (p) => (info.lastHeartbeatDetails = { ...timeout.lastHeartbeatDetails, payloads: p }));
    }
    const cancelled = node.canceledFailureInfo;
    if (cancelled?.details?.payloads?.length) {
      const info = (copy.canceledFailureInfo = { ...cancelled });
      slot(cancelled.details.payloads, (p) => (info.details = { ...cancelled.details, payloads: p }));
    }
    const reset = node.resetWorkflowFailureInfo;
    if (reset?.lastHeartbeatDetails?.payloads?.length) {
      const info = (copy.resetWorkflowFailureInfo = { ...reset });
      slot(reset.lastHeartbeatDetails.payloads, (p) => (info.lastHeartbeatDetails = { ...reset.lastHeartbeatDetails, payloads: p }));
    }
    if (node.cause) copy.cause = copyTree(node.cause, depth + 1);
    return copy;
  };

  const root = copyTree(failure, 0);
  if (collected.length === 0) return root;
  const transformed = await transform(collected);
  for (const write of writers) write(transformed);
  return root;
}
