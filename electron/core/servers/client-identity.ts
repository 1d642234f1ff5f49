/**
 * Enclave's own TLS client certificate, which remote servers trust (by a token join or
 * `incus config trust add-certificate`). Made once: ECDSA P-384, self-signed, CN
 * enclave@HOST, valid ten years, as the incus CLI makes its own. The certificate is public
 * (client.crt); the private key is sealed with the SecretCipher (client.key.sealed, 0600)
 * and leaves this module only as the TLS key of a connection: never in a message or a log.
 */
import { X509Certificate, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { z } from 'zod';
import { EnclaveError } from '../../../shared/errors.js';
import { certFingerprint, derToPem } from '../../incus/endpoint.js';
import type { SecretCipher } from '../secrets/cipher.js';

export interface ClientIdentity {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the certificate (lowercase hex), as `incus config trust list` shows it. */
  fingerprint: string;
}

export const CLIENT_CERT_FILE = 'client.crt';
export const CLIENT_KEY_FILE = 'client.key.sealed';

const VALID_DAYS = 3650;
const OID_COMMON_NAME = '2.5.4.3';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_KEY_USAGE = '2.5.29.15';
const OID_EXT_KEY_USAGE = '2.5.29.37';
const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

const sealedSchema = z.object({ version: z.literal(1), encrypted: z.boolean(), key: z.string().min(1) });

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function name(commonName: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [new pkijs.AttributeTypeAndValue({ type: OID_COMMON_NAME, value: new asn1js.Utf8String({ value: commonName }) })],
  });
}

/** A new key pair and self-signed certificate; nothing is written. */
export async function generateIdentity(commonName = `enclave@${hostname() || 'localhost'}`, now = new Date()): Promise<ClientIdentity> {
  const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto });
  const algorithm = { name: 'ECDSA', namedCurve: 'P-384' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;

  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40; // positive, and no leading zero byte in DER
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  cert.issuer = name(commonName);
  cert.subject = name(commonName);
  // An hour back, for a server whose clock is a little behind ours.
  cert.notBefore.value = new Date(now.getTime() - 3600_000);
  cert.notAfter.value = new Date(now.getTime() + VALID_DAYS * 86400_000);
  const keyUsage = new asn1js.BitString({ valueHex: new Uint8Array([0x80]).buffer, unusedBits: 7 }); // digitalSignature
  cert.extensions = [
    new pkijs.Extension({ extnID: OID_BASIC_CONSTRAINTS, critical: true, extnValue: new pkijs.BasicConstraints({ cA: false }).toSchema().toBER(false) }),
    new pkijs.Extension({ extnID: OID_KEY_USAGE, critical: true, extnValue: keyUsage.toBER(false) }),
    new pkijs.Extension({ extnID: OID_EXT_KEY_USAGE, extnValue: new pkijs.ExtKeyUsage({ keyPurposes: [OID_CLIENT_AUTH] }).toSchema().toBER(false) }),
  ];
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, engine);
  await cert.sign(keys.privateKey, 'SHA-384', engine);

  const certPem = derToPem(Buffer.from(cert.toSchema(true).toBER(false)));
  const keyPem = pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as unknown as webcrypto.CryptoKey));
  return { certPem, keyPem, fingerprint: certFingerprint(certPem) };
}

async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new EnclaveError('internal', `${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
}

async function store(configDir: string, cipher: SecretCipher, identity: ClientIdentity): Promise<void> {
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const sealed = { version: 1, encrypted: cipher.encrypted, key: cipher.encrypt(identity.keyPem).toString('base64') };
  // The key first: a certificate on disk always has its key beside it.
  await writeAtomic(join(configDir, CLIENT_KEY_FILE), JSON.stringify(sealed) + '\n', 0o600);
  await writeAtomic(join(configDir, CLIENT_CERT_FILE), identity.certPem, 0o644);
}

/**
 * Enclave's identity from configDir, made and stored on first use. A certificate without its
 * key (or none at all) is replaced by a new identity; a key that is there but cannot be
 * unsealed is an error, never silently replaced: servers trust the certificate it belongs to.
 */
export async function loadOrCreateIdentity(configDir: string, cipher: SecretCipher): Promise<ClientIdentity> {
  const certFile = join(configDir, CLIENT_CERT_FILE);
  const keyFile = join(configDir, CLIENT_KEY_FILE);
  const [certText, sealedText] = await Promise.all([readOrNull(certFile), readOrNull(keyFile)]);

  let certPem: string | null = null;
  if (certText !== null) {
    try {
      new X509Certificate(certText);
      certPem = certText;
    } catch {
      certPem = null; // unreadable: made anew below
    }
  }
  if (certPem === null || sealedText === null) {
    const identity = await generateIdentity();
    await store(configDir, cipher, identity);
    return identity;
  }

  const cannot = (why: string) =>
    new EnclaveError('internal', `Enclave's client key ${keyFile} ${why}. Servers trust the certificate ${certFile} it belongs to; move both away to make a new identity (servers must then trust that one).`);
  let sealed: z.infer<typeof sealedSchema>;
  try {
    sealed = sealedSchema.parse(JSON.parse(sealedText));
  } catch {
    throw cannot('is not a file Enclave wrote');
  }
  if (sealed.encrypted && !cipher.encrypted) {
    throw cannot('was encrypted by the desktop app, and browser mode cannot decrypt it: open the desktop app');
  }
  let keyPem: string;
  try {
    keyPem = sealed.encrypted ? cipher.decrypt(Buffer.from(sealed.key, 'base64')) : Buffer.from(sealed.key, 'base64').toString('utf8');
  } catch {
    throw cannot('cannot be decrypted with this system keychain');
  }
  let belongs: boolean;
  try {
    belongs = new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    throw cannot('is not a private key');
  }
  if (!belongs) throw cannot('does not belong to the certificate');
  const identity = { certPem, keyPem, fingerprint: certFingerprint(certPem) };
  // Stored in the clear by browser mode and now opened where a keychain is: seal it.
  if (!sealed.encrypted && cipher.encrypted) await store(configDir, cipher, identity);
  return identity;
}
