/**
 * rpcCall on the fake core routes and decodes like the real C bridge (client.rs): the service's
 * list of RPC names, health's Watch, and prost decoding of the request for a known name. Each
 * expected message is what the real library answered to the same call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { CoreError } from '../../lib/core/errors';
import type { CoreConnection, CoreRuntime, ServiceName } from '../../lib/core/types';
import { connectionOptions, fakeRuntime } from './fake-core';

async function failure(call: Promise<Uint8Array>): Promise<CoreError> {
  const error = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(CoreError);
  return error as CoreError;
}

describe('rpcCall routing on the fake core', () => {
  let runtime: CoreRuntime;
  let connection: CoreConnection;

  beforeAll(async () => {
    runtime = await fakeRuntime();
    connection = await runtime.connect(connectionOptions);
  });

  afterAll(async () => {
    await connection.close();
    await runtime.close();
  });

  it.each<ServiceName>(['workflow', 'operator', 'cloud', 'health'])(
    'fails a name the real core does not know on the %s service: status 0, "Unknown RPC call <name>", no details',
    async (service) => {
      const error = await failure(connection.rpcCall(service, 'NoSuchRpc', new Uint8Array()));
      expect(error).toMatchObject({ code: undefined, details: undefined, message: 'Unknown RPC call NoSuchRpc' });
    },
  );

  it('fails a name the real core only has on another service', async () => {
    // DescribeNamespace is a workflow service RPC; the operator service has no such arm.
    const error = await failure(connection.rpcCall('operator', 'DescribeNamespace', new Uint8Array()));
    expect(error.message).toBe('Unknown RPC call DescribeNamespace');
  });

  it('fails a test service name that is neither a fake script nor one of the real TestService RPCs', async () => {
    const error = await failure(connection.rpcCall('test', 'GetSystemInfo', new Uint8Array()));
    expect(error.message).toBe('Unknown RPC call GetSystemInfo');
  });

  it('fails health Watch, which the C bridge does not implement', async () => {
    const error = await failure(connection.rpcCall('health', 'Watch', new Uint8Array()));
    expect(error).toMatchObject({ code: undefined, message: 'Health service Watch method is not implemented in C bridge' });
  });

  it('answers a known RPC whose request decodes', async () => {
    const request = temporal.api.workflowservice.v1.DescribeNamespaceRequest.encode({ namespace: 'default' }).finish();
    const response = await connection.rpcCall('workflow', 'DescribeNamespace', request);
    expect(Buffer.from(response).equals(Buffer.from(request))).toBe(true);
  });

  it('skips unknown fields and well-formed groups while decoding, as prost does', async () => {
    // Field 1 as a group holding a varint, then field 2047 as fixed32: unknown to GetSystemInfoRequest.
    const request = Uint8Array.from([0x0b, 0x08, 0x01, 0x0c, 0xfd, 0x7f, 1, 2, 3, 4]);
    await expect(connection.rpcCall('workflow', 'GetSystemInfo', request)).resolves.toBeInstanceOf(Uint8Array);
  });

  const undecodable: Array<[string, number[], string]> = [
    ['a key cut short', [0xff], 'invalid varint'],
    ['a varint field without its value', [0x08], 'invalid varint'],
    ['a varint longer than ten bytes', [0x08, ...Array(10).fill(0xff), 0x01], 'invalid varint'],
    ['a length past the end', [0x0a, 0x05, 0x01], 'buffer underflow'],
    ['a fixed64 cut short', [0x09, 0x01, 0x02], 'buffer underflow'],
    ['wire type 7', [0x0f], 'invalid wire type value: 7'],
    ['field number 0', [0x00, 0x00], 'invalid tag value: 0'],
    ['a key above 32 bits', [0x80, 0x80, 0x80, 0x80, 0x10, 0x01], 'invalid key value: 4294967296'],
    ['an end-group tag with no group', [0x0c], 'unexpected end group tag'],
    ['a group closed by another field', [0x0b, 0x14], 'unexpected end group tag'],
    ['a group never closed', [0x0b, 0x08, 0x01], 'invalid varint'],
    ['groups nested 101 deep', [...Array(101).fill(0x0b), ...Array(101).fill(0x0c)], 'recursion limit reached'],
  ];

  it.each(undecodable)(
    'fails a known RPC whose request is not protobuf (%s) with prost\'s message, status 0',
    async (_what, bytes, description) => {
      const error = await failure(connection.rpcCall('workflow', 'GetSystemInfo', Uint8Array.from(bytes)));
      expect(error).toMatchObject({ code: undefined, details: undefined, message: `failed to decode Protobuf message: ${description}` });
    },
  );

  it('decodes requests on every service the real core routes, the test service\'s real RPCs included', async () => {
    const bad = Uint8Array.from([0x0f]);
    for (const [service, rpc] of [
      ['operator', 'ListSearchAttributes'],
      ['cloud', 'GetNamespaces'],
      ['health', 'Check'],
      ['test', 'GetCurrentTime'],
    ] as Array<[ServiceName, string]>) {
      const error = await failure(connection.rpcCall(service, rpc, bad));
      expect(error.message).toBe('failed to decode Protobuf message: invalid wire type value: 7');
    }
  });
});
