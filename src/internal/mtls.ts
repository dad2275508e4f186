/**
 * go-plugin's AutoMTLS, plugin side: when the host sets PLUGIN_CLIENT_CERT,
 * the plugin makes a self-signed ECDSA P-521 certificate as Go plugins do
 * (CN and DNS SAN `localhost`, O `HashiCorp`, a CA, 30 s back-dated, valid
 * 262 980 h), serves TLS that requires the host's certificate, and prints
 * its own in handshake field 6. Built with WebCrypto and a small DER writer.
 */
import * as grpc from "@grpc/grpc-js";
import type { Credentials } from "./credentials.ts";

// --- DER -------------------------------------------------------------------

function len(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, body: Uint8Array | number[]): Uint8Array<ArrayBuffer> {
  const b = body instanceof Uint8Array ? body : new Uint8Array(body);
  const head = [tag, ...len(b.length)];
  const out = new Uint8Array(head.length + b.length);
  out.set(head);
  out.set(b, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

const seq = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => tlv(0x30, concat(parts));
const set = (...parts: Uint8Array[]) => tlv(0x31, concat(parts));

function int(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const b = bytes.subarray(i);
  return tlv(0x02, b[0] & 0x80 ? concat([new Uint8Array([0]), b]) : b);
}

function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) {
      chunk.unshift(0x80 | (v & 0x7f));
    }
    out.push(...chunk);
  }
  return tlv(0x06, out);
}

const utf8 = (s: string) => tlv(0x0c, new TextEncoder().encode(s));
const octets = (b: Uint8Array) => tlv(0x04, b);
const bool = (v: boolean) => tlv(0x01, [v ? 0xff : 0]);

function bits(b: Uint8Array, unused = 0): Uint8Array {
  return tlv(0x03, concat([new Uint8Array([unused]), b]));
}

function time(d: Date): Uint8Array {
  const iso = d.toISOString();
  const y = d.getUTCFullYear();
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  const compact = iso.slice(0, 19).replace(/[-:T]/g, "") + "Z";
  return y < 2050
    ? tlv(0x17, new TextEncoder().encode(compact.slice(2)))
    : tlv(0x18, new TextEncoder().encode(compact));
}

// --- certificate -------------------------------------------------------------

const ECDSA_SHA512 = "1.2.840.10045.4.3.4";

/** A generated certificate and key, in the forms TLS and the handshake need. */
export interface PluginCertificate {
  /** The certificate, DER. */
  der: Uint8Array;
  /** The certificate, PEM. */
  certPem: string;
  /** The private key, PKCS #8 PEM. */
  keyPem: string;
}

function pem(label: string, der: Uint8Array): string {
  const b64 = btoa(String.fromCharCode(...der));
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}

/** WebCrypto's ECDSA signature (r‖s) as the DER SEQUENCE X.509 wants. */
function derSignature(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return seq(int(raw.subarray(0, half)), int(raw.subarray(half)));
}

/** Generates the plugin's certificate as go-plugin's `generateCert` does. */
export async function generateCertificate(now: Date = new Date()): Promise<PluginCertificate> {
  const keys = await crypto.subtle.generateKey(
    { name: "ECDSA", namedCurve: "P-521" },
    true,
    ["sign", "verify"],
  ) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] &= 0x7f;
  const name = seq(
    set(seq(oid("2.5.4.10"), utf8("HashiCorp"))),
    set(seq(oid("2.5.4.3"), utf8("localhost"))),
  );
  const notBefore = new Date(now.getTime() - 30_000);
  const notAfter = new Date(now.getTime() + 262980 * 3600_000);
  const ext = (id: string, critical: boolean, value: Uint8Array) =>
    seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
  // keyUsage bits: digitalSignature(0) keyEncipherment(2) keyAgreement(4) keyCertSign(5).
  const keyUsage = bits(new Uint8Array([0b10101100]), 2);
  const extensions = tlv(
    0xa3,
    seq(
      ext("2.5.29.15", true, keyUsage),
      ext("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.2"), oid("1.3.6.1.5.5.7.3.1"))),
      ext("2.5.29.19", true, seq(bool(true))),
      ext("2.5.29.17", false, seq(tlv(0x82, new TextEncoder().encode("localhost")))),
    ),
  );
  const algorithm = seq(oid(ECDSA_SHA512));
  const tbs = seq(
    tlv(0xa0, int(new Uint8Array([2]))), // v3
    int(serial),
    algorithm,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    spki,
    extensions,
  );
  const signature = new Uint8Array(
    await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-512" }, keys.privateKey, tbs),
  );
  const der = seq(tbs, algorithm, bits(derSignature(signature)));
  return { der, certPem: pem("CERTIFICATE", der), keyPem: pem("PRIVATE KEY", pkcs8) };
}

/** Handshake field 6: the DER in base64, standard alphabet, no padding (Go's RawStdEncoding). */
export function handshakeCert(der: Uint8Array): string {
  let s = "";
  for (let i = 0; i < der.length; i += 0x8000) {
    s += String.fromCharCode(...der.subarray(i, i + 0x8000));
  }
  return btoa(s).replace(/=+$/, "");
}

// --- credentials ---------------------------------------------------------------

/** The TLS material of an AutoMTLS session. */
export interface MtlsSession {
  /** Our certificate and key. */
  own: PluginCertificate;
  /** The host's certificate (PLUGIN_CLIENT_CERT): the only CA we trust. */
  hostPem: string;
}

/**
 * Turns AutoMTLS on from PLUGIN_CLIENT_CERT (a PEM certificate): makes our
 * certificate and returns the session, or undefined when the variable is
 * unset. A value that is not a certificate is an error naming the variable.
 */
export async function startMtls(env: string | undefined): Promise<MtlsSession | undefined> {
  if (!env) return undefined;
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(env)) {
    throw new Error(
      "PLUGIN_CLIENT_CERT is set but holds no PEM certificate: a go-plugin host sets it for AutoMTLS; unset it to serve without TLS",
    );
  }
  return { own: await generateCertificate(), hostPem: env };
}

/**
 * The credentials of a session: every server (main and broker) serves
 * mutual TLS requiring the host's certificate, and broker dials present ours.
 */
export function mtlsCredentials(session: MtlsSession): Credentials {
  const host = Buffer.from(session.hostPem);
  const key = Buffer.from(session.own.keyPem);
  const cert = Buffer.from(session.own.certPem);
  return {
    server: () =>
      grpc.ServerCredentials.createSsl(host, [{ private_key: key, cert_chain: cert }], true),
    client: () => ({
      creds: grpc.credentials.createSsl(host, key, cert),
      // The host's certificate names localhost; broker addresses are sockets or 127.0.0.1.
      options: {
        "grpc.ssl_target_name_override": "localhost",
        "grpc.default_authority": "localhost",
      },
    }),
  };
}
