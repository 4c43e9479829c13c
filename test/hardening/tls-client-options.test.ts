/**
 * The client's TLS material is checked when the connection is planned, before anything is dialled:
 * the core would otherwise drop a CA that is not PEM without a word, or report a client key that
 * does not match its certificate as a transport error. Each mistake is an InvalidOptionError naming
 * the field, from `Connection.lazy` as from `Connection.connect`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Connection, InvalidOptionError, type ConnectionOptions } from '../../lib/client';
import { makeTestPki, type TestPki } from './tls-certs';

let pki: TestPki;

beforeAll(() => {
  pki = makeTestPki();
});

function refusal(tls: unknown): InvalidOptionError {
  let caught: unknown;
  try {
    // Port 1 is never dialled: the options are refused first.
    Connection.lazy({ address: '127.0.0.1:1', tls } as ConnectionOptions);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(InvalidOptionError);
  return caught as InvalidOptionError;
}

describe('TLS options of a connection', () => {
  it('refuses a server CA that holds no certificate', () => {
    const err = refusal({ serverRootCACertificate: Buffer.from('not a certificate') });
    expect(err.field).toBe('tls.serverRootCACertificate');
    expect(err.message).toMatch(/no PEM CERTIFICATE block/);
  });

  it('refuses a server CA given as a string, saying to pass bytes', () => {
    const err = refusal({ serverRootCACertificate: pki.ca.crt.toString() });
    expect(err.field).toBe('tls.serverRootCACertificate');
    expect(err.message).toMatch(/PEM bytes.*not a string/);
  });

  it('refuses a client certificate whose key belongs to another certificate', () => {
    const err = refusal({ clientCertPair: { crt: pki.client.crt, key: pki.server.key } });
    expect(err.field).toBe('tls.clientCertPair.key');
    expect(err.message).toMatch(/not the private key of the certificate in tls\.clientCertPair\.crt/);
  });

  it('refuses a client certificate pair without its key', () => {
    const err = refusal({ clientCertPair: { crt: pki.client.crt } });
    expect(err.field).toBe('tls.clientCertPair.key');
  });

  it('refuses a client key that is not a PEM private key', () => {
    const err = refusal({ clientCertPair: { crt: pki.client.crt, key: pki.client.crt } });
    expect(err.field).toBe('tls.clientCertPair.key');
    expect(err.message).toMatch(/no PEM PRIVATE KEY block/);
  });

  it('refuses a server name override that is not a host name', () => {
    const err = refusal({ serverNameOverride: 'https://temporal.internal/' });
    expect(err.field).toBe('tls.serverNameOverride');
  });

  it('refuses an unknown TLS option by name', () => {
    const err = refusal({ serverRootCaCert: pki.ca.crt });
    expect(err.message).toMatch(/tls\.serverRootCaCert is not a TLS option/);
  });

  it('accepts a CA, a server name and a matching client pair', () => {
    const connection = Connection.lazy({
      address: '127.0.0.1:1',
      tls: { serverRootCACertificate: pki.ca.crt, serverNameOverride: 'dev.temporal.test', clientCertPair: pki.client },
    });
    expect(connection.address).toBe('127.0.0.1:1');
  });
});
