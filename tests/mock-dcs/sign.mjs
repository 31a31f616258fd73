// SDK-HMAC-SHA256: the mock gateway's own implementation (node:crypto only), independent of the
// Rust signer in src/. It rebuilds the canonical request from what was actually received.
//
// Canonicalization follows the official Python signer (huaweicloudsdkcore/signer/signer.py):
// - URI: the whole raw path is percent-decoded, split on "/", each part re-encoded keeping only
//   A-Z a-z 0-9 - _ . ~, and a trailing "/" is added;
// - query: pairs decoded, sorted by name then value (code-point order), re-encoded the same way,
//   joined "k=v&k=v" ("+" is a literal plus, not a space: the SDK never sends a raw "+");
// - headers: the SignedHeaders list, "name:value.trim()\n" each, values read from the request;
// - payload: sha256 hex of the body; the empty hash when there is no body; the value of
//   X-Sdk-Content-Sha256 (UNSIGNED-PAYLOAD) when that header is present and the body is not empty.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ALGORITHM = 'SDK-HMAC-SHA256';
export const EMPTY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const MAX_SKEW_MS = 15 * 60 * 1000;

const sha256hex = (data) => createHash('sha256').update(data).digest('hex');
export const hmacHex = (key, data) => createHmac('sha256', Buffer.from(key, 'utf8')).update(data, 'utf8').digest('hex');

/** Percent-encodes the UTF-8 bytes of `s`, keeping only A-Z a-z 0-9 - _ . ~ (upper-case hex). */
export function encode(s) {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Lenient percent-decoding like Python's urllib.parse.unquote: valid %XX sequences become bytes,
 * anything else stays as is; the bytes are read as UTF-8 (invalid sequences -> U+FFFD).
 */
export function decode(s) {
  if (!s.includes('%')) return s;
  const bytes = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x25 && i + 2 < raw.length && /^[0-9A-Fa-f]{2}$/.test(String.fromCharCode(raw[i + 1], raw[i + 2]))) {
      bytes.push(parseInt(String.fromCharCode(raw[i + 1], raw[i + 2]), 16));
      i += 2;
    } else {
      bytes.push(raw[i]);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Canonical URI of a raw (as sent) path, always ending with "/". */
export function canonicalUri(rawPath) {
  const uri = decode(rawPath).split('/').map(encode).join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/** Decoded [name, value] pairs of a raw query string (without "?"); "a" alone reads as a="". */
export function parseQuery(rawQuery) {
  if (!rawQuery) return [];
  return rawQuery.split('&').filter((p) => p !== '').map((p) => {
    const i = p.indexOf('=');
    return i < 0 ? [decode(p), ''] : [decode(p.slice(0, i)), decode(p.slice(i + 1))];
  });
}

const cmpCodePoints = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Canonical query string from decoded pairs. */
export function canonicalQuery(pairs) {
  return [...pairs]
    .sort(([ka, va], [kb, vb]) => cmpCodePoints(ka, kb) || cmpCodePoints(va, vb))
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .join('&');
}

/**
 * A header value as the client meant it: Node reads header bytes as latin1; the SDK sends UTF-8
 * bytes and signs the UTF-8 string. Valid UTF-8 is decoded as such, anything else kept.
 */
export function headerText(v) {
  if (!/[^\x00-\x7f]/.test(v)) return v;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(v, 'latin1'));
  } catch {
    return v;
  }
}

/**
 * The canonical request.
 * @param {{method: string, rawPath: string, rawQuery?: string, headers: Record<string,string>,
 *          signedHeaders: string[], body?: Buffer|string}} r  headers keyed by lower-case name
 */
export function canonicalRequest({ method, rawPath, rawQuery = '', headers, signedHeaders, body }) {
  const lines = [method.toUpperCase(), canonicalUri(rawPath), canonicalQuery(parseQuery(rawQuery))];
  for (const h of signedHeaders) lines.push(`${h}:${String(headers[h] ?? '').trim()}`);
  let payload = EMPTY_HASH;
  if (body && body.length > 0) {
    payload = headers['x-sdk-content-sha256'] ? String(headers['x-sdk-content-sha256']).trim() : sha256hex(body);
  }
  return `${lines.join('\n')}\n\n${signedHeaders.join(';')}\n${payload}`;
}

export const stringToSign = (sdkDate, canonical) => `${ALGORITHM}\n${sdkDate}\n${sha256hex(canonical)}`;

/** Parses "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex". */
export function parseAuthorization(value) {
  const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([^,\s]+)$/.exec(String(value ?? '').trim());
  if (!m) return null;
  return { access: m[1], signedHeaders: m[2].split(';'), signature: m[3] };
}

/** X-Sdk-Date "YYYYMMDDTHHMMSSZ" -> epoch ms, or null when malformed. */
export function parseSdkDate(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(String(s ?? ''));
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  const t = new Date(ms);
  if (t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return null;
  return ms;
}

export const formatSdkDate = (ms) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/**
 * Splits an absolute URL without normalizing it (WHATWG URL would drop "." / ".." segments and
 * re-encode characters, so the signature would not match what is sent).
 */
export function splitUrl(url) {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/i.exec(url);
  if (!m) throw new Error(`not an absolute URL: ${url}`);
  return { scheme: m[1].toLowerCase(), host: m[2], path: m[3] || '/', query: m[4] ?? '' };
}

/**
 * Signs a request (used by the tests and by anyone driving the mock without the real client).
 * `url` is the URL as it will be sent; `headers` the headers to send (Host is added for signing
 * if absent). Returns the headers to send, with X-Sdk-Date, X-Security-Token and Authorization.
 */
export function signRequest({ method = 'GET', url, headers = {}, body = '' }, { ak, sk, securityToken }, { date = new Date(), signHost = true } = {}) {
  const u = splitUrl(url);
  const out = { ...headers };
  if (!Object.keys(out).some((k) => k.toLowerCase() === 'x-sdk-date')) out['X-Sdk-Date'] = formatSdkDate(date.getTime());
  if (securityToken) out['X-Security-Token'] = securityToken;
  const lower = {};
  for (const [k, v] of Object.entries(out)) lower[k.toLowerCase()] = String(v);
  if (signHost && !lower.host) lower.host = u.host;
  const signedHeaders = Object.keys(lower).sort();
  const canonical = canonicalRequest({
    method, rawPath: u.path, rawQuery: u.query, headers: lower, signedHeaders, body,
  });
  const signature = hmacHex(sk, stringToSign(lower['x-sdk-date'], canonical));
  out.Authorization = `${ALGORITHM} Access=${ak}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return out;
}

/**
 * Verifies an AK/SK-signed request as the gateway would.
 * @param req {method, rawPath, rawQuery, headers (lower-case keys, as Node gives them), body}
 * @param opts {credentials: Map<ak, {sk, securityToken?}>, nowMs, maxSkewMs?}
 * @returns {{ok: true, ak, temporary: boolean} | {ok: false, reason: string, expired?: boolean}}
 */
export function verifyRequest(req, { credentials, nowMs, maxSkewMs = MAX_SKEW_MS }) {
  const fail = (reason, extra = {}) => ({ ok: false, reason, ...extra });
  const auth = parseAuthorization(req.headers.authorization);
  if (!auth) return fail('the Authorization header is not "SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=..."');
  const cred = credentials.get(auth.access);
  if (!cred) return fail('unknown access key');
  const rawDate = req.headers['x-sdk-date'];
  if (rawDate === undefined) return fail('X-Sdk-Date is missing', { expired: true });
  const dateMs = parseSdkDate(rawDate);
  if (dateMs === null) return fail('X-Sdk-Date is not YYYYMMDDTHHMMSSZ', { expired: true });
  if (Math.abs(dateMs - nowMs) > maxSkewMs) {
    return fail(`signature expired: X-Sdk-Date is ${Math.round((dateMs - nowMs) / 1000)} s from the server time`, { expired: true });
  }
  const sh = auth.signedHeaders;
  if (sh.some((h) => h === '' || h !== h.toLowerCase())) return fail('SignedHeaders must be lower-case names');
  for (let i = 1; i < sh.length; i++) if (sh[i - 1] >= sh[i]) return fail('SignedHeaders must be sorted and unique');
  if (!sh.includes('x-sdk-date')) return fail('X-Sdk-Date must be signed');
  for (const h of ['x-project-id', 'x-security-token']) {
    if (req.headers[h] !== undefined && !sh.includes(h)) return fail(`${h} is sent but not signed`);
  }
  for (const h of sh) if (req.headers[h] === undefined) return fail(`signed header ${h} is missing`);
  const headers = {};
  for (const h of sh) headers[h] = headerText(String(req.headers[h]));
  if (req.headers['x-sdk-content-sha256'] !== undefined) headers['x-sdk-content-sha256'] = req.headers['x-sdk-content-sha256'];
  const canonical = canonicalRequest({ method: req.method, rawPath: req.rawPath, rawQuery: req.rawQuery, headers, signedHeaders: sh, body: req.body });
  const expected = Buffer.from(hmacHex(cred.sk, stringToSign(rawDate, canonical)), 'utf8');
  const given = Buffer.from(auth.signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return fail('signature mismatch');
  // temporary credentials need their security token; permanent ones must not carry one
  const tok = req.headers['x-security-token'];
  if (cred.securityToken) {
    if (tok === undefined) return fail('X-Security-Token is required for a temporary access key');
    const a = Buffer.from(String(tok)); const b = Buffer.from(cred.securityToken);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return fail('invalid X-Security-Token');
  } else if (tok !== undefined) {
    return fail('X-Security-Token sent with a permanent access key');
  }
  return { ok: true, ak: auth.access, temporary: Boolean(cred.securityToken) };
}
