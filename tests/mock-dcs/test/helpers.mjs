// Test helpers: raw HTTP calls (node:http, so paths are sent exactly as given) and signing.
import http from 'node:http';
import { signRequest } from '../sign.mjs';
import { DEFAULT_PROJECT_ID, DEFAULT_CREDENTIALS } from '../server.mjs';

export const PROJECT = DEFAULT_PROJECT_ID;
export const CRED = DEFAULT_CREDENTIALS[0];

/**
 * One HTTP request. Resolves {status, headers, text, json (if parseable), error (socket error
 * after the response started, e.g. a dropped connection)}; rejects only if no response at all.
 */
export function rawRequest(base, { method = 'GET', path, headers = {}, body } = {}) {
  const u = new URL(base);
  if (body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-length')) {
    headers = { ...headers, 'Content-Length': Buffer.byteLength(body) };
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers, agent: false }, (res) => {
      const chunks = [];
      let error = null;
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => { error = e; });
      res.on('aborted', () => { error = error ?? new Error('aborted'); });
      res.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json, error, complete: res.complete });
      });
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

export const tasksPath = (instanceId, project = PROJECT) =>
  `/v2/${project}/instances/${encodeURIComponent(instanceId)}/tasks`;

/** Builds a query string from an object (values encoded strictly). */
export const qs = (q = {}) => {
  const s = Object.entries(q).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return s ? `?${s}` : '';
};

/**
 * A signed (AK/SK) request to the mock. Options: method, path (raw, with query), headers,
 * cred (AK/SK[/securityToken]), date (Date), project (X-Project-Id; null = none), body.
 */
export function signedRequest(mock, { method = 'GET', path, headers = {}, cred = CRED, date, project = PROJECT, body } = {}) {
  const h = { ...headers };
  if (project !== null) h['X-Project-Id'] = project;
  const url = `${mock.url}${path}`;
  const signed = signRequest({ method, url, headers: h, body: body ?? '' }, cred, { date: date ?? new Date() });
  signed.Host = new URL(mock.url).host;
  return rawRequest(mock.url, { method, path, headers: signed, body });
}

export const listTasks = (mock, instanceId, q, opts = {}) =>
  signedRequest(mock, { path: `${tasksPath(instanceId)}${qs(q)}`, ...opts });

/** All tasks through the API, page by page. */
export async function listAll(mock, instanceId, limit = 1000) {
  const out = [];
  for (let offset = 0; ; offset += limit) {
    const r = await listTasks(mock, instanceId, { offset, limit });
    if (r.status !== 200) throw new Error(`list failed: ${r.status} ${r.text}`);
    out.push(...r.json.tasks);
    if (r.json.tasks.length < limit) return { count: Number(r.json.task_count), tasks: out };
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
