/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1/localhost,
 * made with the openssl CLI once per machine and cached under tests/.artifacts/certs.
 * The task processes trust the CA through NODE_EXTRA_CA_CERTS, as the agent's custom CA
 * would be trusted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface TestCertificates {
  dir: string;
  caFile: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

let cached: TestCertificates | undefined;

export function artifactsDir(...parts: string[]): string {
  const dir = resolve(__dirname, '..', '..', '..', 'tests', '.artifacts', ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function testCertificates(): TestCertificates {
  if (cached) return cached;
  const dir = artifactsDir('certs');
  const f = (n: string) => join(dir, n);
  if (!existsSync(f('server.crt'))) {
    const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    ssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '3650',
      '-subj',
      '/CN=databricks-mlops test CA',
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.crt'),
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', f('server.key'), '-out', f('server.csr'));
    writeFileSync(
      f('server.ext'),
      'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
    );
    ssl(
      'x509',
      '-req',
      '-in',
      f('server.csr'),
      '-CA',
      f('ca.crt'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-days',
      '3650',
      '-out',
      f('server.crt'),
      '-extfile',
      f('server.ext'),
    );
  }
  cached = {
    dir,
    caFile: f('ca.crt'),
    caPem: readFileSync(f('ca.crt'), 'utf8'),
    certPem: readFileSync(f('server.crt'), 'utf8'),
    keyPem: readFileSync(f('server.key'), 'utf8'),
  };
  return cached;
}

/** A client certificate (PEM with CERTIFICATE and PRIVATE KEY) as an spnCertificate connection holds. */
export function clientCertificatePem(name = 'spn'): { pem: string; certPem: string; keyPem: string } {
  const dir = artifactsDir('certs');
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  if (!existsSync(crt)) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '3650', '-subj', `/CN=${name}`, '-keyout', key, '-out', crt], { stdio: 'pipe' });
  }
  const certPem = readFileSync(crt, 'utf8');
  const keyPem = readFileSync(key, 'utf8');
  return { pem: `${certPem}\n${keyPem}`, certPem, keyPem };
}
