// The mock's SDK-HMAC-SHA256 implementation: public vectors A–D and the verifier's decisions.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  signRequest, verifyRequest, canonicalRequest, canonicalUri, canonicalQuery, parseQuery, encode,
  decode, parseAuthorization, formatSdkDate, parseSdkDate, headerText,
} from '../sign.mjs';

const AK = 'HPUAXXXXXXXXXXXXXXXX';
const SK = 'SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK';
const PROJECT = '0123456789abcdef0123456789abcdef';
const BASE = 'https://dcs.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/instances/3e5c8b1a-1111-2222-3333-444455556666/tasks';
const H = { 'X-Sdk-Date': '20240101T000000Z', 'X-Project-Id': PROJECT };
const sig = (auth) => parseAuthorization(auth).signature;
const shOf = (auth) => parseAuthorization(auth).signedHeaders.join(';');

test('vector A: query + Content-Type', () => {
  const url = `${BASE}?offset=0&limit=10&start_time=20200609160000&end_time=20200617155959`;
  const h = signRequest({ url, headers: { ...H, 'Content-Type': 'application/json' } }, { ak: AK, sk: SK });
  assert.equal(shOf(h.Authorization), 'content-type;host;x-project-id;x-sdk-date');
  assert.equal(sig(h.Authorization), '6d5730b7e2b3d76486b7e6e8d805ee73b8e788a5be6835f0c8c9b0775dc1a3dc');
  const u = new URL(url);
  const canonical = canonicalRequest({
    method: 'GET', rawPath: u.pathname, rawQuery: u.search.slice(1),
    headers: { 'content-type': 'application/json', host: u.host, 'x-project-id': PROJECT, 'x-sdk-date': '20240101T000000Z' },
    signedHeaders: ['content-type', 'host', 'x-project-id', 'x-sdk-date'],
  });
  assert.equal(createHash('sha256').update(canonical).digest('hex'), 'cc9adfc91e2eecfaf823118c202d258fb502bc8a841fdfac0f021e4ffb9ba483');
  assert.equal(h.Authorization, `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=6d5730b7e2b3d76486b7e6e8d805ee73b8e788a5be6835f0c8c9b0775dc1a3dc`);
});

test('vector B: no query, no Content-Type', () => {
  const h = signRequest({ url: BASE, headers: H }, { ak: AK, sk: SK });
  assert.equal(shOf(h.Authorization), 'host;x-project-id;x-sdk-date');
  assert.equal(sig(h.Authorization), '47686d58329be1661c376336b28e63242f2e950cf66add9caf474d04dd134a5c');
});

test('vector C: security token (value confirmed with the official Python signer)', () => {
  const h = signRequest({ url: `${BASE}?limit=10&offset=0`, headers: H }, { ak: AK, sk: SK, securityToken: 'TOKEN+/=abc' });
  assert.equal(h['X-Security-Token'], 'TOKEN+/=abc');
  assert.equal(shOf(h.Authorization), 'host;x-project-id;x-sdk-date;x-security-token');
  // NOTE: dcs-api-facts.md prints ...4a1d3c3dca6c0 (hex digit 57 'c'); huaweicloudsdkcore 3.1.219
  // computes ...4a1d3e3dca6c0 for exactly this request (see pysdk.test.mjs), so the sheet has a typo.
  assert.equal(sig(h.Authorization), '44ad4b9245a74219608f9b0a9e1d12f1803917945a5216616034a1d3e3dca6c0');
});

test('vector D: the Go SDK unit test (only X-Sdk-Date signed)', () => {
  const h = signRequest({ url: 'https://example.huaweicloud.com/path?limit=1', headers: { 'X-Sdk-Date': '20060102T150405Z' } },
    { ak: 'AccessKey', sk: 'SecretKey' }, { signHost: false });
  assert.equal(shOf(h.Authorization), 'x-sdk-date');
  assert.equal(sig(h.Authorization), '5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624');
});

test('verifier recomputes vectors A-D from the received request', () => {
  const creds = new Map([[AK, { sk: SK }], ['AccessKey', { sk: 'SecretKey' }]]);
  const cases = [
    { url: `${BASE}?offset=0&limit=10&start_time=20200609160000&end_time=20200617155959`, headers: { ...H, 'Content-Type': 'application/json' } },
    { url: BASE, headers: H },
    { url: 'https://example.huaweicloud.com/path?limit=1', headers: { 'X-Sdk-Date': '20060102T150405Z' }, ak: 'AccessKey', sk: 'SecretKey', signHost: false, now: Date.UTC(2006, 0, 2, 15, 4, 5) },
  ];
  for (const c of cases) {
    const signed = signRequest({ url: c.url, headers: c.headers }, { ak: c.ak ?? AK, sk: c.sk ?? SK }, { signHost: c.signHost ?? true });
    const u = new URL(c.url);
    const headers = { host: u.host };
    for (const [k, v] of Object.entries(signed)) headers[k.toLowerCase()] = v;
    const r = verifyRequest({ method: 'GET', rawPath: u.pathname, rawQuery: u.search.slice(1), headers },
      { credentials: creds, nowMs: c.now ?? Date.UTC(2024, 0, 1, 0, 5) });
    assert.deepEqual(r, { ok: true, ak: c.ak ?? AK, temporary: false }, c.url);
  }
});

test('canonical URI and query follow the official signer', () => {
  assert.equal(canonicalUri('/v2/p/instances/i/tasks'), '/v2/p/instances/i/tasks/');
  assert.equal(canonicalUri('/'), '/');
  assert.equal(canonicalUri('/a%20b/c%2Fd/%E4%B8%AD'), '/a%20b/c/d/%E4%B8%AD/'); // decoded, then split
  assert.equal(canonicalUri('/a~b.c_d-e/%7e'), '/a~b.c_d-e/~/');
  assert.equal(canonicalUri('/bad%zz'), '/bad%25zz/'); // malformed escapes stay literal
  assert.equal(canonicalQuery(parseQuery('b=2&a=3&a=1&c')), 'a=1&a=3&b=2&c=');
  assert.equal(canonicalQuery(parseQuery('x=a+b&y=%2B&z=%20')), 'x=a%2Bb&y=%2B&z=%20'); // "+" is literal
  assert.equal(encode("!*'()ü /"), '%21%2A%27%28%29%C3%BC%20%2F');
  assert.equal(decode('%E4%B8%AD%'), '中%');
  assert.equal(headerText(Buffer.from('中文', 'utf8').toString('latin1')), '中文');
});

test('X-Sdk-Date parsing and formatting', () => {
  assert.equal(formatSdkDate(Date.UTC(2024, 0, 1)), '20240101T000000Z');
  assert.equal(parseSdkDate('20240101T000000Z'), Date.UTC(2024, 0, 1));
  for (const bad of ['2024-01-01T00:00:00Z', '20240101T000000', '20241301T000000Z', '20240230T000000Z', '20240101T250000Z', '', undefined]) {
    assert.equal(parseSdkDate(bad), null, String(bad));
  }
});

function verifyCase({ mutate = (x) => x, cred = { ak: AK, sk: SK }, creds = new Map([[AK, { sk: SK }]]), now = Date.UTC(2024, 0, 1), headers = H, url = BASE } = {}) {
  const signed = signRequest({ url, headers }, cred);
  const u = new URL(url);
  let req = { method: 'GET', rawPath: u.pathname, rawQuery: u.search.slice(1), headers: { host: u.host } };
  for (const [k, v] of Object.entries(signed)) req.headers[k.toLowerCase()] = v;
  req = mutate(req);
  return verifyRequest(req, { credentials: creds, nowMs: now });
}

test('verifier rejects tampering, stale dates and bad credentials', () => {
  assert.equal(verifyCase().ok, true);
  const flipSig = (r) => {
    const a = r.headers.authorization;
    const last = a.at(-1) === '0' ? '1' : '0';
    r.headers.authorization = a.slice(0, -1) + last;
    return r;
  };
  assert.equal(verifyCase({ mutate: flipSig }).reason, 'signature mismatch');
  assert.equal(verifyCase({ mutate: (r) => ({ ...r, rawQuery: 'limit=11' }) }).reason, 'signature mismatch');
  assert.equal(verifyCase({ mutate: (r) => ({ ...r, method: 'DELETE' }) }).reason, 'signature mismatch');
  assert.equal(verifyCase({ mutate: (r) => { r.headers.host = 'evil.example.com'; return r; } }).reason, 'signature mismatch');
  assert.equal(verifyCase({ mutate: (r) => { r.headers['x-project-id'] = PROJECT.replace('0', '1'); return r; } }).reason, 'signature mismatch');
  assert.equal(verifyCase({ cred: { ak: AK, sk: 'wrong' } }).reason, 'signature mismatch');
  assert.equal(verifyCase({ cred: { ak: 'NOPE', sk: SK } }).reason, 'unknown access key');
  // 15 minutes each way is fine, a second more is not
  assert.equal(verifyCase({ now: Date.UTC(2024, 0, 1, 0, 15) }).ok, true);
  assert.equal(verifyCase({ now: Date.UTC(2023, 11, 31, 23, 45) }).ok, true);
  const stale = verifyCase({ now: Date.UTC(2024, 0, 1, 0, 15, 1) });
  assert.equal(stale.ok, false);
  assert.equal(stale.expired, true);
  assert.match(stale.reason, /signature expired: X-Sdk-Date is -901 s/);
  assert.match(verifyCase({ now: Date.UTC(2023, 11, 31, 23, 44, 59) }).reason, /expired.* 901 s/);
  assert.match(verifyCase({ mutate: (r) => { delete r.headers['x-sdk-date']; return r; } }).reason, /X-Sdk-Date is missing/);
  assert.match(verifyCase({ mutate: (r) => { r.headers['x-sdk-date'] = '2024-01-01T00:00:00Z'; return r; } }).reason, /not YYYYMMDDTHHMMSSZ/);
  assert.match(verifyCase({ mutate: (r) => { r.headers.authorization = 'Bearer x'; return r; } }).reason, /Authorization header is not/);
  assert.match(verifyCase({ mutate: (r) => { r.headers.authorization = r.headers.authorization.replace('host;x-project-id;x-sdk-date', 'x-project-id;host;x-sdk-date'); return r; } }).reason, /sorted/);
  assert.match(verifyCase({ mutate: (r) => { r.headers.authorization = r.headers.authorization.replace('host;x-project-id;x-sdk-date', 'host;x-project-id'); return r; } }).reason, /X-Sdk-Date must be signed/);
  assert.match(verifyCase({ mutate: (r) => { r.headers.authorization = r.headers.authorization.replace('host;x-project-id;x-sdk-date', 'host;x-sdk-date'); return r; } }).reason, /x-project-id is sent but not signed/);
  assert.match(verifyCase({ mutate: (r) => { delete r.headers.host; return r; } }).reason, /signed header host is missing/);
});

test('verifier: temporary credentials need their X-Security-Token', () => {
  const creds = new Map([[AK, { sk: SK, securityToken: 'TOKEN+/=abc' }]]);
  assert.deepEqual(verifyCase({ creds, cred: { ak: AK, sk: SK, securityToken: 'TOKEN+/=abc' } }), { ok: true, ak: AK, temporary: true });
  assert.match(verifyCase({ creds }).reason, /X-Security-Token is required/);
  assert.match(verifyCase({ creds, cred: { ak: AK, sk: SK, securityToken: 'other' } }).reason, /invalid X-Security-Token/);
  assert.match(verifyCase({ cred: { ak: AK, sk: SK, securityToken: 'TOKEN' } }).reason, /permanent access key/);
});

test('verifier: body hash and UNSIGNED-PAYLOAD', () => {
  const creds = new Map([[AK, { sk: SK }]]);
  const url = BASE;
  const u = new URL(url);
  const mk = (body, headers) => {
    const signed = signRequest({ method: 'DELETE', url, headers, body }, { ak: AK, sk: SK });
    const req = { method: 'DELETE', rawPath: u.pathname, rawQuery: '', headers: { host: u.host }, body: Buffer.from(body) };
    for (const [k, v] of Object.entries(signed)) req.headers[k.toLowerCase()] = v;
    return req;
  };
  const now = Date.UTC(2024, 0, 1);
  const r1 = mk('{"a":1}', { ...H, 'Content-Type': 'application/json' });
  assert.equal(verifyRequest(r1, { credentials: creds, nowMs: now }).ok, true);
  r1.body = Buffer.from('{"a":2}');
  assert.equal(verifyRequest(r1, { credentials: creds, nowMs: now }).reason, 'signature mismatch');
  const r2 = mk('raw bytes', { ...H, 'Content-Type': 'application/octet-stream', 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' });
  r2.body = Buffer.from('other raw bytes');
  assert.equal(verifyRequest(r2, { credentials: creds, nowMs: now }).ok, true);
});
