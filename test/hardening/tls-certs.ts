/**
 * Certificates for the TLS suites, made at run time: a CA, server and client certificates it signs
 * (one server certificate already expired), and an unrelated CA. node:crypto makes the keys (fast,
 * native); node-forge signs the X.509 certificates, which node:crypto cannot do.
 */
import * as crypto from 'node:crypto';
import forge from 'node-forge';

export interface KeyPair {
  /** PEM certificate. */
  crt: Buffer;
  /** PEM PKCS#8 private key. */
  key: Buffer;
}

export interface TestPki {
  /** The CA that signs the server and client certificates below. */
  ca: KeyPair;
  /** An unrelated CA that signed nothing here: trusting it means not trusting the server. */
  otherCa: KeyPair;
  /** For `localhost`, `dev.temporal.test` (reachable only through serverNameOverride) and 127.0.0.1, valid now. */
  server: KeyPair;
  /** For `localhost` and 127.0.0.1, expired yesterday. */
  expiredServer: KeyPair;
  /** A client certificate (CN=temporal-worker), valid now. */
  client: KeyPair;
  /** A client certificate signed by `otherCa`. */
  strangerClient: KeyPair;
}

const DAY_MS = 86_400_000;

function rsaKey(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; pem: Buffer } {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pkcs1) as forge.pki.rsa.PrivateKey;
  return {
    privateKey: forgeKey,
    publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e),
    pem: Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' })),
  };
}

let serial = 1;

interface CertSpec {
  commonName: string;
  issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey };
  isCa?: boolean;
  notBefore: Date;
  notAfter: Date;
  usage?: 'server' | 'client';
}

function issue(spec: CertSpec): { pair: KeyPair; cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  const key = rsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = (serial++).toString(16).padStart(2, '0');
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  const subject = [{ name: 'commonName', value: spec.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(spec.issuer ? spec.issuer.cert.subject.attributes : subject);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: spec.isCa === true, critical: true },
    spec.isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (spec.usage === 'server') {
    extensions.push({ name: 'extKeyUsage', serverAuth: true });
    extensions.push({ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 2, value: 'dev.temporal.test' }, { type: 7, ip: '127.0.0.1' }] });
  } else if (spec.usage === 'client') {
    extensions.push({ name: 'extKeyUsage', clientAuth: true });
  }
  if (spec.issuer) extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: spec.issuer.cert.generateSubjectKeyIdentifier().getBytes() });
  cert.setExtensions(extensions);
  cert.sign(spec.issuer?.key ?? key.privateKey, forge.md.sha256.create());
  return { pair: { crt: Buffer.from(forge.pki.certificateToPem(cert)), key: key.pem }, cert, key: key.privateKey };
}

/**
 * Makes a fresh PKI for one test file (about a second of RSA key generation).
 *
 * @example
 * ```ts
 * const pki = makeTestPki();
 * const server = await startDevServer({ tls: { cert: pki.server.crt, key: pki.server.key } });
 * ```
 */
export function makeTestPki(): TestPki {
  const now = Date.now();
  const valid = { notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 30 * DAY_MS) };
  const ca = issue({ commonName: 'temporal-native test CA', isCa: true, ...valid });
  const other = issue({ commonName: 'unrelated test CA', isCa: true, ...valid });
  const issuer = { cert: ca.cert, key: ca.key };
  return {
    ca: ca.pair,
    otherCa: other.pair,
    server: issue({ commonName: 'localhost', issuer, usage: 'server', ...valid }).pair,
    expiredServer: issue({
      commonName: 'localhost',
      issuer,
      usage: 'server',
      notBefore: new Date(now - 30 * DAY_MS),
      notAfter: new Date(now - DAY_MS),
    }).pair,
    client: issue({ commonName: 'temporal-worker', issuer, usage: 'client', ...valid }).pair,
    strangerClient: issue({ commonName: 'stranger', issuer: { cert: other.cert, key: other.key }, usage: 'client', ...valid }).pair,
  };
}
