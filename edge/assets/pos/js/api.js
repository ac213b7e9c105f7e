// The edge server's JSON API (see CONTRACT.md): one request at a time,
// problem+json errors, Idempotency-Keys.
import { sessionExpired } from './login.js';
import { TIMEOUT_MS, state } from './state.js';

export class ApiError extends Error {
  constructor(status, problem, network) {
    super(problem.detail || problem.title || 'Request failed');
    this.status = status;
    this.problem = problem;
    this.network = network; // true: we do not know what the server did
  }
}

// api sends one request. A network failure or a timeout becomes an
// ApiError with network=true; a problem+json answer an ApiError with the
// problem; a 401 also sends the cashier back to the login screen.
export async function api(method, path, body, opts) {
  opts = opts || {};
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (state.session && !opts.anonymous) headers.Authorization = 'Bearer ' + state.session.token;
  if (opts.key) headers['Idempotency-Key'] = opts.key;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  let res, text;
  try {
    res = await fetch(path, {
      method, headers, signal: ctl.signal, cache: 'no-store', credentials: 'omit',
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    text = await res.text(); // a body cut off mid-way is as unknown as no answer
  } catch (e) {
    throw new ApiError(0, { code: 'network', detail: 'no answer' }, true);
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (res.ok) return data;
  const problem = data && typeof data === 'object' ? data : { code: 'http_' + res.status, detail: 'HTTP ' + res.status };
  const err = new ApiError(res.status, problem, false);
  if (res.status === 401 && !opts.anonymous && !opts.quiet) {
    sessionExpired(problem);
    err.handled = true;
  }
  throw err;
}

// unknownOutcome tells whether a failed write may still have happened: no
// answer at all, or a 5xx such as the timeout whose detail says "retry with
// the same Idempotency-Key".
export function unknownOutcome(err) {
  return err.network || (err.status >= 500 && err.status !== 507);
}

// newKey makes an Idempotency-Key. crypto.randomUUID exists only in secure
// contexts (https, localhost), and a till usually opens http://edge:8080,
// so fall back to a v4 UUID from getRandomValues, which works everywhere.
export function newKey() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  const b = window.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
  return x.slice(0, 8) + '-' + x.slice(8, 12) + '-' + x.slice(12, 16) + '-' + x.slice(16, 20) + '-' + x.slice(20);
}

// keyFor returns the Idempotency-Key for a write. The key of an earlier
// attempt is reused when the body is the same, and always while that
// attempt's outcome is unknown: the server then either returns the first
// result or refuses a different body (409), but never records twice.
export function keyFor(pending, body) {
  if (pending && (pending.unknown || pending.body === body)) return pending.key;
  return newKey();
}
