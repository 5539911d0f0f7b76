// TLS_CERT and TLS_KEY: HTTPS served by this process, for a course server with no proxy in front. The files
// are read and checked once, at start, so a wrong path, a file that is not PEM, an encrypted key or a key that
// belongs to another certificate stops the start with one line naming the variable, the file and the fix
// (`Cannot start: …`), instead of a stack trace or a server that fails every handshake.
import { readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { ConfigError } from '../config';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  /** SHA-256 fingerprint of the server's certificate: the send endpoint pins it when it dials this server. */
  fingerprint256: string;
  /** When the certificate expires. */
  validTo: Date;
}

function readPem(variable: string, path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? "the server's user may not read it" : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
    throw new ConfigError(`${variable}=${path} cannot be read: ${why}. Set ${variable} to the path of ${what}.`);
  }
}

/** Reads and checks the certificate chain and its private key; throws ConfigError saying what is wrong. */
export function readTlsFiles(certPath: string, keyPath: string): TlsFiles {
  const cert = readPem('TLS_CERT', certPath, 'the certificate chain (PEM, "-----BEGIN CERTIFICATE-----")');
  const key = readPem('TLS_KEY', keyPath, 'the private key (PEM, "-----BEGIN PRIVATE KEY-----")');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    throw new ConfigError(`TLS_CERT=${certPath} is not a certificate in PEM form (a "-----BEGIN CERTIFICATE-----" block). Point TLS_CERT at the certificate chain (e.g. fullchain.pem), not at the key or a DER file.`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    const encrypted = /passphrase|encrypted|bad decrypt/i.test((error as Error).message) || key.includes('ENCRYPTED');
    throw new ConfigError(
      encrypted
        ? `TLS_KEY=${keyPath} is encrypted with a passphrase, which this server cannot ask for. Write a decrypted copy readable by the server's user only (openssl pkey -in ${keyPath} -out server.key; chmod 600 server.key).`
        : `TLS_KEY=${keyPath} is not a private key in PEM form (a "-----BEGIN PRIVATE KEY-----" block). Point TLS_KEY at the key of the certificate (e.g. privkey.pem).`,
    );
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ConfigError(`TLS_KEY=${keyPath} is not the private key of the certificate in TLS_CERT=${certPath} (${certificate.subject.replace(/\n/g, ', ')}). Use the key the certificate was issued for.`);
  }
  return { cert, key, fingerprint256: certificate.fingerprint256, validTo: new Date(certificate.validTo) };
}

/** A certificate this close to its end is worth a warning at every start: renewals fail silently too. */
export const CERT_EXPIRY_WARNING_DAYS = 14;

/** One warn line at start when the certificate has expired (browsers refuse it) or soon will. */
export function warnOfExpiry(log: { warn(message: string): void }, tls: TlsFiles, certPath: string, now: Date): void {
  const days = (tls.validTo.getTime() - now.getTime()) / 86_400_000;
  if (days > CERT_EXPIRY_WARNING_DAYS) return;
  const when = tls.validTo.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  log.warn(
    days <= 0
      ? `The TLS certificate in TLS_CERT=${certPath} expired on ${when}: browsers refuse the connection. Renew it and restart the server.`
      : `The TLS certificate in TLS_CERT=${certPath} expires on ${when}, in ${Math.ceil(days)} day${Math.ceil(days) === 1 ? '' : 's'}. Renew it and restart the server before then.`,
  );
}
