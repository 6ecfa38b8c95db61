/**
 * Files and directories that settings name (the config file, the fixture, PEM files, the data directory), read once
 * at start-up. Every problem is a ConfigError naming the setting, in one line: what is wrong and the path, never the
 * file's content (a JSON error quotes the text around it; a certificate may be a private key) and never a stack.
 * Certificates and keys are checked here, with node:crypto, rather than left to fail inside the TLS server or the
 * callback client, which would report OpenSSL's codes with a stack trace, or (a CA file without a certificate) not
 * at all until the first callback.
 */
import { accessSync, constants, mkdirSync, readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { ConfigError, plainReason } from './errors.js';

/** The bytes of the file `path` named by setting `key`; ConfigError `key: no such file: path` and the like. */
export function readSettingFile(key: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(key, plainReason(err, path), { cause: err });
  }
}

/** Line and column (1-based) of character `offset` of `text`. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line} column ${offset - before.lastIndexOf('\n')}`;
}

/**
 * The JSON value of the file `path` named by setting `key`. A syntax error names the file and where (line and
 * column), without quoting it: V8's messages quote the text, which may be long, span lines or hold secrets.
 */
export function readJsonSetting(key: string, path: string): unknown {
  const text = readSettingFile(key, path).toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    const at = /at position (\d+)/.exec(message);
    const where = at
      ? ` (${lineColumn(text, Number(at[1]))})`
      : text.trim() === ''
        ? ' (the file is empty)'
        : /end of JSON input/.test(message)
          ? ' (it ends too early)'
          : '';
    throw new ConfigError(key, `${path} is not valid JSON${where}`, { cause: err });
  }
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * The PEM certificates of file `path` (setting `key`), each parsed (RFC 7468 `CERTIFICATE` blocks, as OpenSSL and
 * Node read them). `one`: the file is a server or client certificate (its first block is the certificate, the rest
 * its chain); otherwise a CA bundle. At least one certificate must be there.
 */
export function readCertificates(key: string, path: string): { pem: Buffer; certificates: X509Certificate[] } {
  const pem = readSettingFile(key, path);
  const blocks = pem.toString('latin1').match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new ConfigError(key, `${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  const certificates = blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw new ConfigError(key, `${path}: certificate ${i + 1} cannot be read (${plainReason(err)})`, { cause: err });
    }
  });
  return { pem, certificates };
}

/** The PEM private key of file `path` (setting `key`): unencrypted PKCS#8, PKCS#1 or SEC1. */
export function readPrivateKey(key: string, path: string): { pem: Buffer; key: KeyObject } {
  const pem = readSettingFile(key, path);
  try {
    return { pem, key: createPrivateKey(pem) };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === 'ERR_MISSING_PASSPHRASE'
        ? 'the key is encrypted; ccgate reads unencrypted PEM keys (openssl pkey -in key.pem -out plain.pem)'
        : 'not a PEM private key (-----BEGIN PRIVATE KEY-----)';
    throw new ConfigError(key, `${path}: ${why}`, { cause: err });
  }
}

/**
 * A certificate file and its private key file for a TLS endpoint (`certKey`/`keyKey` are their settings, e.g.
 * `http.tls.cert`/`http.tls.key`): both readable and PEM, and the key the certificate's.
 */
export function readKeyPair(certKey: string, certPath: string, keyKey: string, keyPath: string): { cert: Buffer; key: Buffer } {
  const cert = readCertificates(certKey, certPath);
  const key = readPrivateKey(keyKey, keyPath);
  const leaf = cert.certificates[0];
  if (leaf !== undefined && !leaf.checkPrivateKey(key.key)) {
    throw new ConfigError(keyKey, `${keyPath} is not the private key of the certificate in ${certKey} (${certPath})`);
  }
  return { cert: cert.pem, key: key.pem };
}

/** Creates the directory `path` (setting `key`) if needed and checks that ccgate may write in it. */
export function ensureWritableDir(key: string, path: string): void {
  try {
    mkdirSync(path, { recursive: true });
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new ConfigError(key, plainReason(err, path), { cause: err });
  }
}
