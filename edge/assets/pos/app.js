// StoreEdge cashier screen: one dependency-free page that talks to the edge
// server's JSON API (see CONTRACT.md). Nothing here decides a price: the
// running total is shown for the cashier's convenience only, and the receipt
// shows what the server priced and recorded.
//
// Money is integer minor units (kopecks) everywhere. Amounts are formatted
// and parsed with integer arithmetic and string splitting only, so that no
// binary float ever touches a price.
'use strict';

(function () {
  // ---------------------------------------------------------------- setup

  const KEYS = {
    terminal: 'storeedge.pos.terminalToken', // localStorage: the till's token
    cashier: 'storeedge.pos.cashier', // localStorage: last cashier name
    cart: 'storeedge.pos.cart', // localStorage: survives a reload
    pending: 'storeedge.pos.pendingSale', // localStorage: an unconfirmed sale
    session: 'storeedge.pos.session', // sessionStorage: bearer token
  };
  const TIMEOUT_MS = 20000;
  const SYNC_POLL_MS = 30000;
  const BARCODE_LENGTHS = [8, 12, 13];

  const $ = (id) => document.getElementById(id);

  const state = {
    session: null, // login response: token, expires_at, cashier, terminal
    shift: null, // the open shift of this till
    currency: 'RUB',
    cart: [], // {sku, name, unit, price, regular, qty, available}
    receipt: null, // the last sale, while its receipt is on screen
    pending: null, // {key, body, unknown}: the sale being paid
    payMode: 'cash', // which tender the last pay button chose
    weigh: null, // {product, name, price, index}: the weight being entered
    returnSale: null, // the sale loaded in the return panel
    returnPending: null, // {key, body, unknown} of the return being sent
    recent: [], // last receipts of the shift, newest first
    busy: false,
    syncTimer: 0,
  };

  // Storage may be unavailable (private mode, quota): the till must still work.
  const store = {
    get(area, key) {
      try { return JSON.parse(area.getItem(key)); } catch (e) { return null; }
    },
    set(area, key, value) {
      try {
        if (value == null) area.removeItem(key); else area.setItem(key, JSON.stringify(value));
      } catch (e) { /* keep going without persistence */ }
    },
  };

  // ---------------------------------------------------------------- money

  const SYMBOLS = { RUB: '₽' };

  // fmtAmount formats kopecks as "1 234,56". (a - a % 100) / 100 is an exact
  // integer division, unlike a float quotient that could round up.
  function fmtAmount(a) {
    const neg = a < 0;
    if (neg) a = -a;
    const kop = a % 100;
    const units = String((a - kop) / 100);
    let grouped = '';
    for (let i = 0; i < units.length; i++) {
      if (i > 0 && (units.length - i) % 3 === 0) grouped += ' ';
      grouped += units[i];
    }
    return (neg ? '−' : '') + grouped + ',' + String(kop).padStart(2, '0');
  }

  // fmtMoney formats a Money object (or bare kopecks in the shop's currency).
  function fmtMoney(m) {
    if (m == null) return '—';
    const amount = typeof m === 'number' ? m : m.amount;
    const cur = (typeof m === 'number' ? null : m.currency) || state.currency;
    return fmtAmount(amount) + ' ' + (SYMBOLS[cur] || cur);
  }

  // parseMoney reads what a cashier types ("150", "150,5", "1 234.56") as
  // kopecks by splitting the string; it returns null for anything else.
  function parseMoney(text) {
    const s = String(text || '').replace(/[\s\u00a0\u202f₽]/g, '');
    const m = /^(\d{0,12})(?:[.,](\d{0,2}))?$/.exec(s);
    if (!m || (m[1] === '' && !m[2])) return null;
    const units = m[1] === '' ? 0 : Number(m[1]);
    return units * 100 + Number(((m[2] || '') + '00').slice(0, 2));
  }

  // parseGrams reads a weight: whole grams ("350") or kilograms with a
  // decimal comma or point ("0,35" or "1.2"), again by string splitting.
  function parseGrams(text) {
    const s = String(text || '').replace(/\s|g|kg|г|кг/gi, '');
    let m = /^\d{1,7}$/.exec(s);
    if (m) return Number(s);
    m = /^(\d{0,4})[.,](\d{1,3})$/.exec(s);
    if (!m) return null;
    return Number(m[1] || '0') * 1000 + Number((m[2] + '00').slice(0, 3));
  }

  // divRound is a*b/d rounded half away from zero (for a, b >= 0), the
  // server's one rounding rule. BigInt keeps price × grams exact.
  function divRound(a, b, d) {
    const n = BigInt(a) * BigInt(b);
    const D = BigInt(d);
    return Number((n * 2n + D) / (2n * D));
  }

  function fmtGrams(g) {
    if (g < 1000) return g + ' g';
    const rest = g % 1000;
    return (g - rest) / 1000 + ',' + String(rest).padStart(3, '0') + ' kg';
  }

  function fmtQty(unit, qty) { return unit === 'gram' ? fmtGrams(qty) : qty + ' pcs'; }

  function fmtTime(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString();
  }

  // fmtSince shows only the time for a moment of today, as the bar is narrow.
  function fmtSince(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return iso || '';
    const hm = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return d.toDateString() === new Date().toDateString() ? hm : d.toLocaleDateString() + ' ' + hm;
  }

  function money(amount) { return { amount, currency: state.currency }; }

  function divisor(unit) { return unit === 'gram' ? 1000 : 1; }

  function lineTotal(l) { return divRound(l.price, l.qty, divisor(l.unit)); }

  function cartTotal() { return state.cart.reduce((sum, l) => sum + lineTotal(l), 0); }

  // ------------------------------------------------------------------ DOM

  // h builds an element; text always goes in as text, never as HTML, since
  // product names come from the catalog.
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'data') Object.assign(el.dataset, v);
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const kid of kids.flat()) {
      if (kid != null && kid !== false) el.append(kid instanceof Node ? kid : String(kid));
    }
    return el;
  }

  function row(label, value, cls) {
    return h('tr', { class: cls }, h('th', { text: label }), h('td', { class: 'num', text: value }));
  }

  function table(head, rows) {
    return h('table', null,
      head ? h('thead', null, h('tr', null, head.map((t, i) => h('th', { class: i ? 'num' : null, text: t })))) : null,
      h('tbody', null, rows));
  }

  const isBlank = (s) => String(s || '').trim() === '';

  // ---------------------------------------------------- messages and errors

  let noticeTimer = 0;

  function notice(text) {
    const el = $('notice');
    el.textContent = text;
    el.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { el.hidden = true; }, 4000);
  }

  function clearError() {
    $('error').hidden = true;
    for (const el of document.querySelectorAll('.invalid')) {
      el.classList.remove('invalid');
      el.removeAttribute('aria-invalid');
    }
  }

  // showError shows a problem's detail and marks the input its field names.
  // fields maps a field path prefix ("lines", "opening_float") to an element
  // id or to a function of the full path that returns an element.
  function showError(err, fields) {
    clearError();
    const p = (err && err.problem) || { detail: String((err && err.message) || err) };
    const el = $('error');
    el.textContent = p.detail || p.title || 'Something went wrong.';
    el.hidden = false;
    const target = fieldElement(fields, p.field) || fieldElement(fields, p.code && '@' + p.code);
    if (target) {
      target.classList.add('invalid');
      target.setAttribute('aria-invalid', 'true');
      if (typeof target.focus === 'function' && target.matches('input')) target.focus();
    }
  }

  function fieldElement(fields, field) {
    if (!fields || !field) return null;
    let best = '';
    for (const k of Object.keys(fields)) {
      const hit = field === k || field.startsWith(k + '.') || field.startsWith(k + '[');
      if (hit && k.length > best.length) best = k;
    }
    if (!best) return null;
    const v = fields[best];
    return typeof v === 'function' ? v(field) : $(v);
  }

  // fieldError makes a client-side error look like a server problem, so one
  // function shows both.
  function fieldError(field, detail) {
    const e = new Error(detail);
    e.problem = { detail, field, code: 'validation_failed' };
    return e;
  }

  // armed implements "press again to confirm" without window.confirm, which
  // blocks the till (and which browser test drivers dismiss).
  function armed(btn, message) {
    const now = Date.now();
    if (btn.dataset.armedAt && now - Number(btn.dataset.armedAt) < 5000) {
      delete btn.dataset.armedAt;
      btn.classList.remove('armed');
      return true;
    }
    btn.dataset.armedAt = String(now);
    btn.classList.add('armed');
    notice(message);
    setTimeout(() => { btn.classList.remove('armed'); }, 5000);
    return false;
  }

  // busy runs one request at a time and disables the button meanwhile, so a
  // double tap never sends twice.
  async function busy(btn, fn) {
    if (state.busy) return;
    state.busy = true;
    if (btn) btn.disabled = true;
    document.body.classList.add('busy');
    try {
      await fn();
    } finally {
      state.busy = false;
      if (btn) btn.disabled = false;
      document.body.classList.remove('busy');
    }
  }

  // ------------------------------------------------------------------ API

  class ApiError extends Error {
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
  async function api(method, path, body, opts) {
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
      throw new ApiError(0, { title: 'No answer', detail: 'The edge server did not answer. Check the network and try again.' }, true);
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (res.ok) return data;
    const problem = data && typeof data === 'object' ? data : { title: res.statusText, detail: 'The server answered ' + res.status + '.' };
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
  function unknownOutcome(err) {
    return err.network || (err.status >= 500 && err.status !== 507);
  }

  // newKey makes an Idempotency-Key. crypto.randomUUID exists only in secure
  // contexts (https, localhost), and a till usually opens http://edge:8080,
  // so fall back to a v4 UUID from getRandomValues, which works everywhere.
  function newKey() {
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
  function keyFor(pending, body) {
    if (pending && (pending.unknown || pending.body === body)) return pending.key;
    return newKey();
  }

  // ---------------------------------------------------------------- views

  const VIEWS = ['login', 'open', 'sell', 'z'];

  function showView(name) {
    for (const v of VIEWS) $('view-' + v).hidden = v !== name;
    $('shift-bar').hidden = name === 'login';
    const open = name === 'sell' && !!state.shift;
    for (const el of document.querySelectorAll('.needs-shift')) el.hidden = !open;
    document.body.classList.toggle('selling', name === 'sell');
    renderBar();
    fitToBar();
  }

  // fitToBar lets the selling screen fill exactly what the shift bar leaves
  // (the bar wraps to more lines on narrow screens).
  function fitToBar() {
    const bar = $('shift-bar');
    document.documentElement.style.setProperty('--bar-h', (bar.hidden ? 0 : bar.offsetHeight) + 'px');
  }

  function renderBar() {
    const s = state.session;
    $('who').textContent = s ? s.cashier.name + (s.cashier.role === 'manager' ? ' (manager)' : '') + ' · ' + s.terminal.name : '';
    const sh = state.shift;
    $('shift-info').textContent = sh
      ? 'Shift since ' + fmtSince(sh.opened_at) + ' · float ' + fmtMoney(sh.opening_float)
      : 'No open shift';
  }

  function openOverlay(id) {
    const ov = $('overlay');
    for (const sec of ov.children) sec.hidden = sec.id !== id;
    ov.hidden = false;
    document.body.classList.add('overlay-open');
  }

  function closeOverlay() {
    $('overlay').hidden = true;
    document.body.classList.remove('overlay-open');
    state.weigh = null;
  }

  // ---------------------------------------------------------------- login

  function showLogin(message) {
    stopSyncPoll();
    $('terminal-token').value = store.get(localStorage, KEYS.terminal) || '';
    $('cashier').value = $('cashier').value || store.get(localStorage, KEYS.cashier) || '';
    $('pin').value = '';
    closeOverlay();
    showView('login');
    if (message) showError(message);
    const first = ['terminal-token', 'cashier', 'pin'].find((id) => isBlank($(id).value));
    $(first || 'pin').focus();
  }

  function sessionExpired(problem) {
    state.session = null;
    store.set(sessionStorage, KEYS.session, null);
    // The cart and any unconfirmed sale stay: after logging in again the
    // cashier carries on (and a retry keeps its Idempotency-Key).
    showLogin(fieldError('', (problem && problem.detail) || 'Your session has ended. Log in again.'));
  }

  function onKeypad(ev) {
    const btn = ev.target.closest('button[data-key]');
    if (!btn) return;
    const pin = $('pin');
    const k = btn.dataset.key;
    if (k === 'C') pin.value = '';
    else if (k === 'B') pin.value = pin.value.slice(0, -1);
    else if (pin.value.length < 12) pin.value += k;
  }

  const LOGIN_FIELDS = { terminal_token: 'terminal-token', cashier: 'cashier', pin: 'pin', '@unauthorized': 'pin' };

  async function onLogin(ev) {
    ev.preventDefault();
    clearError();
    const body = {
      terminal_token: $('terminal-token').value.trim(),
      cashier: $('cashier').value.trim(),
      pin: $('pin').value.trim(),
    };
    if (!body.terminal_token) return showError(fieldError('terminal_token', 'Enter the till token printed by "storeedge terminal add".'), LOGIN_FIELDS);
    if (!body.cashier) return showError(fieldError('cashier', 'Enter your name.'), LOGIN_FIELDS);
    if (!/^\d{4,12}$/.test(body.pin)) return showError(fieldError('pin', 'The PIN is 4 to 12 digits.'), LOGIN_FIELDS);
    await busy($('login'), async () => {
      try {
        const r = await api('POST', '/api/v1/login', body, { anonymous: true });
        store.set(localStorage, KEYS.terminal, body.terminal_token);
        store.set(localStorage, KEYS.cashier, body.cashier);
        state.session = r;
        store.set(sessionStorage, KEYS.session, r);
        $('pin').value = '';
        await enterTill();
      } catch (e) {
        $('pin').value = '';
        showError(e, LOGIN_FIELDS);
      }
    });
  }

  async function onLogout(ev) {
    if (state.pending && state.pending.unknown) {
      return showError(fieldError('', 'A payment is not confirmed yet: retry or discard it first.'));
    }
    if (state.cart.length && !armed(ev.currentTarget, 'The sale in progress will be discarded: press Log out again.')) return;
    setCart([]);
    try { await api('POST', '/api/v1/logout', undefined, { quiet: true }); } catch (e) { /* the session ends anyway */ }
    state.session = null;
    state.shift = null;
    store.set(sessionStorage, KEYS.session, null);
    showLogin();
  }

  // --------------------------------------------------------------- shifts

  // enterTill finds this till's open shift and shows the selling screen, or
  // the open-shift form when there is none.
  async function enterTill() {
    clearError();
    startSyncPoll();
    try {
      setShift(await api('GET', '/api/v1/shifts/current'));
      showSell();
    } catch (e) {
      if (e.handled) return;
      state.shift = null;
      showOpen();
      if (!(e.status === 404 || (e.problem && e.problem.code === 'shift_not_open'))) showError(e);
    }
  }

  function setShift(sh) {
    state.shift = sh;
    if (sh && sh.opening_float && sh.opening_float.currency) state.currency = sh.opening_float.currency;
    renderBar();
  }

  async function showOpen() {
    showView('open');
    $('float').focus();
    // Learn the shop's currency from the catalog before the first shift.
    try {
      const page = await api('GET', '/api/v1/products?limit=1');
      const p = page && page.items && page.items[0];
      if (p && p.price && p.price.currency) state.currency = p.price.currency;
    } catch (e) { /* RUB stays the default */ }
  }

  async function onOpenShift(ev) {
    ev.preventDefault();
    clearError();
    const fields = { opening_float: 'float' };
    const amount = parseMoney($('float').value);
    if (isBlank($('float').value) || amount === null) {
      return showError(fieldError('opening_float', 'Enter the cash in the drawer, e.g. 5000 or 5000,50 (0 if empty).'), fields);
    }
    await busy($('open-shift'), async () => {
      try {
        setShift(await api('POST', '/api/v1/shifts', { opening_float: money(amount) }));
        $('float').value = '';
        notice('Shift opened.');
        showSell();
      } catch (e) {
        if (e.handled) return;
        if (e.problem && e.problem.code === 'shift_already_open') return enterTill();
        showError(e, fields);
      }
    });
  }

  async function onXReport() {
    clearError();
    await busy($('x-report'), async () => {
      try {
        const rep = await api('GET', '/api/v1/shifts/' + encodeURIComponent(state.shift.id) + '/report');
        $('x-report-body').replaceChildren(renderReport(rep));
        openOverlay('x-report-view');
      } catch (e) {
        if (!e.handled) showError(e);
      }
    });
  }

  function openCashPanel() {
    clearError();
    $('cash-amount').value = '';
    $('cash-reason').value = '';
    openOverlay('cash-panel');
    $('cash-amount').focus();
  }

  async function onMoveCash(kind, btn) {
    clearError();
    const fields = { amount: 'cash-amount', reason: 'cash-reason', kind: 'cash-amount' };
    const amount = parseMoney($('cash-amount').value);
    if (!amount) return showError(fieldError('amount', 'Enter an amount, e.g. 1000 or 1000,50.'), fields);
    const body = { kind, amount: money(amount) };
    if (!isBlank($('cash-reason').value)) body.reason = $('cash-reason').value.trim();
    await busy(btn, async () => {
      try {
        setShift(await api('POST', '/api/v1/shifts/' + encodeURIComponent(state.shift.id) + '/cash', body));
        closeOverlay();
        notice((kind === 'in' ? 'Put in ' : 'Took out ') + fmtMoney(amount) + '.');
      } catch (e) {
        if (!e.handled) showError(e, fields);
      }
    });
  }

  async function onCloseShift() {
    clearError();
    const fields = { counted_cash: 'counted' };
    if (state.cart.length || (state.pending && state.pending.unknown)) {
      return showError(fieldError('', 'Finish or clear the sale in progress before closing the shift.'));
    }
    const counted = parseMoney($('counted').value);
    if (isBlank($('counted').value) || counted === null) {
      return showError(fieldError('counted_cash', 'Count the drawer and enter the cash, e.g. 12345,50.'), fields);
    }
    await busy($('close-shift'), async () => {
      try {
        const rep = await api('POST', '/api/v1/shifts/' + encodeURIComponent(state.shift.id) + '/close', { counted_cash: money(counted) });
        $('counted').value = '';
        state.shift = null;
        state.receipt = null;
        $('z-report').replaceChildren(renderReport(rep));
        showView('z');
      } catch (e) {
        if (!e.handled) showError(e, fields);
      }
    });
  }

  // renderReport shows an X or Z report (pos.ShiftReport).
  function renderReport(rep) {
    const sh = rep.shift || {};
    return h('div', null,
      h('h2', { text: rep.kind === 'Z' ? 'Z report — shift closed' : 'X report — shift running' }),
      h('p', { class: 'muted' },
        'Cashier ' + (sh.cashier_name || '') + ' · opened ' + fmtTime(sh.opened_at) +
        (sh.closed_at ? ' · closed ' + fmtTime(sh.closed_at) : '') + ' · receipts ' + rep.receipt_count),
      h('h3', { text: 'Totals by tender' }),
      table(['', 'Sales', 'Returns'], [
        tenderRow('Count', rep.sales.count, rep.returns.count, String),
        tenderRow('Cash', rep.sales.cash, rep.returns.cash, fmtMoney),
        tenderRow('Card', rep.sales.card, rep.returns.card, fmtMoney),
        tenderRow('Total', rep.sales.total, rep.returns.total, fmtMoney, 'strong'),
      ]),
      table(null, [row('Net (sales − returns)', fmtMoney(rep.net), 'strong'), row('Discounts given', fmtMoney(rep.discounts))]),
      h('h3', { text: 'VAT by rate' }),
      table(['Rate', 'Sales', 'VAT', 'Returns VAT', 'Net', 'Net VAT'], (rep.vat || []).map((v) =>
        h('tr', null, h('th', { text: v.rate + '%' }),
          [v.sales_gross, v.sales_vat, v.returns_vat, v.net_gross, v.net_vat].map((m) => h('td', { class: 'num', text: fmtMoney(m) }))))),
      h('h3', { text: 'Cash drawer' }),
      table(null, drawerRows(rep, sh)));
  }

  function tenderRow(label, a, b, fmt, cls) {
    return h('tr', { class: cls }, h('th', { text: label }), h('td', { class: 'num', text: fmt(a) }), h('td', { class: 'num', text: fmt(b) }));
  }

  function drawerRows(rep, sh) {
    const rows = [
      row('Opening float', fmtMoney(sh.opening_float)),
      row('+ cash sales (net of change)', fmtMoney(rep.sales.cash)),
      row('− cash refunds', fmtMoney(rep.returns.cash)),
      row('+ cash in', fmtMoney(rep.cash_in)),
      row('− cash out', fmtMoney(rep.cash_out)),
      row('Expected in drawer', fmtMoney(rep.expected_cash), 'strong'),
    ];
    if (rep.counted_cash) {
      const d = rep.difference ? rep.difference.amount : 0;
      rows.push(row('Counted', fmtMoney(rep.counted_cash), 'strong'));
      rows.push(row(d < 0 ? 'Shortage' : d > 0 ? 'Surplus' : 'Difference', fmtMoney(rep.difference), d < 0 ? 'bad' : d > 0 ? 'warn' : 'good'));
    }
    return rows;
  }

  // ----------------------------------------------------------- sync status

  function startSyncPoll() {
    stopSyncPoll();
    pollSync();
    state.syncTimer = setInterval(pollSync, SYNC_POLL_MS);
  }

  function stopSyncPoll() {
    clearInterval(state.syncTimer);
    state.syncTimer = 0;
    $('sync').hidden = true;
  }

  // pollSync shows whether sales are reaching the central office; the till
  // sells offline either way.
  async function pollSync() {
    const el = $('sync');
    try {
      const s = await api('GET', '/api/v1/sync/status');
      const waiting = s.pending_events ? ' · ' + s.pending_events + ' to send' : '';
      el.textContent = (s.connected ? '● online' : '● central offline') + waiting;
      el.className = 'sync ' + (s.connected ? 'good' : 'warn');
    } catch (e) {
      if (e.handled) return;
      if (e.status === 404) { el.hidden = true; return; } // this edge runs without sync
      el.textContent = e.network ? '● edge not answering' : '● sync unknown';
      el.className = 'sync bad';
    }
    el.hidden = !state.session;
  }

  // ------------------------------------------------------------- selling

  function showSell() {
    showView('sell');
    renderCart();
    renderReceipt();
    renderPending();
    $('scan').focus();
  }

  function setCart(cart) {
    state.cart = cart;
    store.set(localStorage, KEYS.cart, cart.length ? cart : null);
    renderCart();
  }

  // cartLocked stops the cart from changing under a payment whose outcome
  // is unknown: the cashier first retries it or discards it.
  function cartLocked() {
    if (!(state.pending && state.pending.unknown)) return false;
    showError(fieldError('', 'A payment is not confirmed yet: press Retry (it can never charge twice) or Discard.'));
    return true;
  }

  let searchTimer = 0;

  function onScanInput() {
    clearTimeout(searchTimer);
    const q = $('scan').value.trim();
    // Scanners type digits fast and end with Enter; search as you type only
    // for names, so a scan does not fire half a dozen searches.
    if (q.length >= 2 && /\D/.test(q)) searchTimer = setTimeout(() => search(q), 250);
  }

  async function onScan(ev) {
    ev.preventDefault();
    clearTimeout(searchTimer);
    clearError();
    const q = $('scan').value.trim();
    if (!q) return;
    if (/^\d+$/.test(q) && BARCODE_LENGTHS.includes(q.length)) return scanBarcode(q);
    return search(q);
  }

  async function scanBarcode(code) {
    try {
      const p = await api('GET', '/api/v1/barcodes/' + code);
      $('scan').value = '';
      addProduct(p, true);
    } catch (e) {
      if (e.handled) return;
      if (e.status === 404) e.problem.detail = 'No product has the barcode ' + code + '.';
      showError(e, { ean: 'scan', '@not_found': 'scan' });
      $('scan').select();
    }
  }

  let searchSeq = 0;

  async function search(q) {
    const seq = ++searchSeq; // only the newest search may paint the list
    try {
      const page = await api('GET', '/api/v1/products?limit=20&q=' + encodeURIComponent(q));
      if (seq === searchSeq) renderResults(page.items || [], q);
    } catch (e) {
      if (!e.handled && seq === searchSeq) showError(e, { q: 'scan' });
    }
  }

  function effectivePrice(p) { return p.promo_price || p.price; }

  function renderResults(items, q) {
    const list = $('results');
    if (!items.length) {
      list.replaceChildren(h('li', { class: 'muted pad', text: 'Nothing found for “' + q + '”.' }));
      return;
    }
    list.replaceChildren(...items.map((p) => {
      const price = effectivePrice(p);
      const per = p.unit === 'gram' ? ' / kg' : '';
      const stock = p.stock ? fmtQty(p.unit, p.stock.available) + ' in stock' : '';
      return h('li', null, h('button', {
        type: 'button', class: 'result', disabled: !price, onclick: () => addProduct(p, false),
      },
      h('span', { class: 'name' }, p.name, p.name_en ? h('small', { text: p.name_en }) : null),
      h('span', { class: 'num' },
        p.promo_price ? h('s', { class: 'muted', text: fmtMoney(p.price) }) : null, ' ',
        h('b', { text: price ? fmtMoney(price) + per : 'no price' }),
        h('small', { class: p.stock && p.stock.available <= 0 ? 'bad' : 'muted', text: stock }))));
    }));
  }

  // addProduct puts a product in the cart: a piece goes on (or adds to) its
  // line, a weighed product first asks for the weight.
  function addProduct(p, fromScan) {
    clearError();
    if (cartLocked()) return;
    const price = effectivePrice(p);
    if (!price) return showError(fieldError('', p.name + ' has no price yet and cannot be sold.'));
    if (state.receipt) startNewSale();
    if (p.unit === 'gram') return openWeigh({ product: p, name: p.name, price: price.amount, index: -1 });
    const cart = state.cart.slice();
    const i = cart.findIndex((l) => l.sku === p.sku && l.unit !== 'gram');
    if (i >= 0) cart[i] = Object.assign({}, cart[i], { qty: cart[i].qty + 1 });
    else cart.push(lineOf(p, 1));
    setCart(cart);
    if (fromScan) $('scan').focus();
  }

  function lineOf(p, qty) {
    return {
      sku: p.sku, name: p.name, unit: p.unit, qty,
      price: effectivePrice(p).amount, regular: p.price.amount,
      available: p.stock ? p.stock.available : null,
    };
  }

  // openWeigh asks for the grams of a weighed product. w.price is per kg;
  // w.index is the cart line to change, or -1 for a new line of w.product.
  function openWeigh(w) {
    state.weigh = w;
    $('weight-name').textContent = w.name;
    $('weight-price').textContent = fmtMoney(w.price) + ' per kg';
    $('grams').value = w.index >= 0 ? String(state.cart[w.index].qty) : '';
    openOverlay('weight-dialog');
    onGramsInput();
    $('grams').focus();
  }

  function onGramsInput() {
    const g = parseGrams($('grams').value);
    const w = state.weigh;
    $('weight-total').textContent = g && w ? fmtGrams(g) + ' = ' + fmtMoney(divRound(w.price, g, 1000)) : '—';
  }

  function onWeighOk(ev) {
    ev.preventDefault();
    clearError();
    const g = parseGrams($('grams').value);
    if (!g || g > 1000000) return showError(fieldError('qty', 'Enter the weight in grams (1 to 1 000 000), e.g. 350 or 0,35 kg.'), { qty: 'grams' });
    const w = state.weigh;
    const cart = state.cart.slice();
    if (w.index >= 0) cart[w.index] = Object.assign({}, cart[w.index], { qty: g });
    else cart.push(lineOf(w.product, g));
    closeOverlay();
    setCart(cart);
    $('scan').focus();
  }

  function onCartClick(ev) {
    const btn = ev.target.closest('button[data-act]');
    if (!btn || cartLocked()) return;
    clearError();
    const i = Number(btn.closest('li').dataset.i);
    const cart = state.cart.slice();
    const l = cart[i];
    switch (btn.dataset.act) {
      case 'inc': cart[i] = Object.assign({}, l, { qty: l.qty + 1 }); break;
      case 'dec':
        if (l.qty > 1) cart[i] = Object.assign({}, l, { qty: l.qty - 1 });
        else cart.splice(i, 1);
        break;
      case 'del': cart.splice(i, 1); break;
      case 'weigh':
        // Re-weigh at the line's own price: the product is not refetched.
        return openWeigh({ name: l.name, price: l.price, index: i });
    }
    setCart(cart);
  }

  function renderCart() {
    const list = $('cart');
    list.replaceChildren(...state.cart.map((l, i) => {
      const per = l.unit === 'gram' ? ' / kg' : '';
      const short = l.available != null && l.qty > l.available;
      return h('li', { class: 'line', data: { i: String(i), sku: l.sku } },
        h('span', { class: 'name' }, l.name,
          h('small', null,
            l.price < l.regular ? h('s', { text: fmtMoney(l.regular) }) : null, ' ',
            fmtMoney(l.price) + per,
            short ? h('span', { class: 'bad', text: ' · only ' + fmtQty(l.unit, l.available) + ' in stock' }) : null)),
        l.unit === 'gram'
          ? h('span', { class: 'qty' }, h('button', { type: 'button', data: { act: 'weigh' }, text: fmtGrams(l.qty), 'aria-label': 'Change weight' }))
          : h('span', { class: 'qty' },
            h('button', { type: 'button', data: { act: 'dec' }, text: '−', 'aria-label': 'One less' }),
            h('span', { class: 'n', text: String(l.qty) }),
            h('button', { type: 'button', data: { act: 'inc' }, text: '+', 'aria-label': 'One more' })),
        h('span', { class: 'num sum', text: fmtMoney(lineTotal(l)) }),
        h('button', { type: 'button', class: 'del', data: { act: 'del' }, text: '×', 'aria-label': 'Remove ' + l.name }));
    }));
    $('cart-empty').hidden = state.cart.length > 0 || !!state.receipt;
    renderTotals();
  }

  // renderTotals fills the big display: while selling, the running total
  // (an estimate, priced by the server at payment) and the change the
  // tendered cash would give; after a sale, the server's total and change.
  function renderTotals() {
    const r = state.receipt;
    if (r) {
      $('total').textContent = fmtMoney(r.total);
      $('change').textContent = fmtMoney(r.change);
      $('change').className = 'money';
      return;
    }
    const total = cartTotal();
    $('total').textContent = fmtMoney(total);
    const tendered = parseMoney($('tendered').value);
    const card = $('card-part-box').hidden ? 0 : parseMoney($('card-part').value) || 0;
    const due = total - card;
    if (!state.cart.length || tendered === null || isBlank($('tendered').value)) {
      $('change').textContent = '—';
      $('change').className = 'money';
    } else if (tendered >= due) {
      $('change').textContent = fmtMoney(tendered - due);
      $('change').className = 'money';
    } else {
      $('change').textContent = 'short ' + fmtMoney(due - tendered);
      $('change').className = 'money bad';
    }
    renderQuickCash(due);
  }

  // renderQuickCash offers the notes a customer is likely to hand over.
  function renderQuickCash(due) {
    const box = $('quick-cash');
    if (!state.cart.length || due <= 0) return box.replaceChildren();
    const amounts = [due];
    for (const step of [10000, 50000, 100000, 500000]) { // 100, 500, 1000, 5000 roubles
      const up = due % step === 0 ? due : due - (due % step) + step;
      if (!amounts.includes(up)) amounts.push(up);
    }
    box.replaceChildren(...amounts.slice(0, 4).map((a) => h('button', {
      type: 'button', class: 'chip', text: fmtAmount(a),
      onclick: () => { $('tendered').value = fmtAmount(a); renderTotals(); },
    })));
  }

  // ------------------------------------------------------------- payment

  const SALE_FIELDS = {
    lines: (f) => lineElement('cart', f),
    payments: () => ($('card-part-box').hidden ? $('tendered') : $('card-part')),
    '@insufficient_stock': 'cart',
    '@unknown_sku': 'cart',
  };

  function lineElement(listId, field) {
    const m = /^lines\[(\d+)\]/.exec(field);
    return (m && $(listId).children[Number(m[1])]) || $(listId);
  }

  // payments builds the tenders of a payment kind from the inputs, using the
  // display total; the server checks them against its own total.
  function payments(kind) {
    const total = cartTotal();
    const tenderedText = $('tendered').value;
    const tendered = parseMoney(tenderedText);
    if (!isBlank(tenderedText) && tendered === null) throw fieldError('payments', 'Type the cash as 2000 or 2000,50.');
    if (kind === 'card') return [{ method: 'card', amount: money(total) }];
    let card = 0;
    if (kind === 'split') {
      card = parseMoney($('card-part').value);
      if (!card || card >= total) throw fieldError('payments', 'Enter the card part: more than 0 and less than the total.');
    }
    const cash = isBlank(tenderedText) ? total - card : tendered;
    if (cash < total - card) {
      throw Object.assign(fieldError('payments', 'The cash tendered is less than the ' + fmtMoney(total - card) + ' due.'), { tendered: true });
    }
    const out = [];
    if (card) out.push({ method: 'card', amount: money(card) });
    out.push({ method: 'cash', amount: money(cash) });
    return out;
  }

  async function pay(kind, btn) {
    clearError();
    if (state.pending && state.pending.unknown) return retrySale();
    if (!state.cart.length) return showError(fieldError('', 'The cart is empty: scan goods first.'), { '': 'scan' });
    if (kind === 'split' && $('card-part-box').hidden) {
      $('card-part-box').hidden = false;
      $('card-part').focus();
      return notice('Enter the card part, then the cash tendered, and press Split again.');
    }
    // Enter in the cash field after a card part completes a split.
    if (kind === 'cash' && !$('card-part-box').hidden && !isBlank($('card-part').value)) kind = 'split';
    let body;
    try {
      const lines = state.cart.map((l) => ({ sku: l.sku, qty: l.qty }));
      body = JSON.stringify({ lines, payments: payments(kind) });
    } catch (e) {
      const target = e.tendered ? { payments: 'tendered' } : SALE_FIELDS;
      return showError(e, target);
    }
    state.payMode = kind;
    setPending({ key: keyFor(state.pending, body), body, unknown: false });
    await busy(btn, sendSale);
  }

  function setPending(p) {
    state.pending = p;
    store.set(localStorage, KEYS.pending, p);
    renderPending();
  }

  // sendSale posts the pending sale with its Idempotency-Key.
  async function sendSale() {
    const p = state.pending;
    try {
      const sale = await api('POST', '/api/v1/sales', p.body, { key: p.key });
      setPending(null);
      state.receipt = sale;
      $('tendered').value = '';
      $('card-part').value = '';
      $('card-part-box').hidden = true;
      setCart([]);
      renderReceipt();
    } catch (e) {
      if (e.handled) return; // 401: says nothing about the sale; keep the key
      if (unknownOutcome(e)) {
        setPending(Object.assign({}, p, { unknown: true }));
        return showError(fieldError('', 'The payment was not confirmed (' + e.message + ') Press Retry: it sends the same sale again and can never charge twice.'));
      }
      // The server answered: nothing was written. The next attempt gets a
      // fresh key unless its body is the same.
      setPending(Object.assign({}, p, { unknown: false }));
      if (e.problem.code === 'idempotency_key_reused') setPending(null);
      if (e.problem.code === 'shift_not_open' || e.problem.code === 'shift_closed') enterTill();
      showError(e, SALE_FIELDS);
    }
  }

  async function retrySale() {
    await busy($('pay-retry'), sendSale);
  }

  function renderPending() {
    const box = $('pending');
    const p = state.pending;
    if (!(p && p.unknown)) {
      box.hidden = true;
      return box.replaceChildren();
    }
    box.hidden = false;
    box.replaceChildren(
      h('p', { text: '⚠ Payment not confirmed by the server.' }),
      h('div', { class: 'row' },
        h('button', { id: 'pay-retry', type: 'button', class: 'primary big grow', text: 'Retry', onclick: () => { clearError(); retrySale(); } }),
        h('button', { id: 'pay-discard', type: 'button', class: 'big', text: 'Discard', onclick: onDiscardPending })));
  }

  function onDiscardPending(ev) {
    if (!armed(ev.currentTarget, 'It may have gone through: check the last receipts under Return. Press Discard again to unlock the cart.')) return;
    setPending(null);
    clearError();
  }

  function renderReceipt() {
    const r = state.receipt;
    $('receipt').hidden = !r;
    $('pay').hidden = !!r;
    $('cart-box').hidden = !!r;
    if (!r) return renderTotals();
    $('receipt-no').textContent = String(r.receipt_no);
    $('receipt-body').replaceChildren(...receiptParts(r));
    renderTotals();
    $('new-sale').focus();
  }

  // receiptParts lays out a sale as the server recorded it.
  function receiptParts(r) {
    const lines = r.lines.map((l) => h('tr', null,
      h('td', null, l.name, h('small', {
        text: fmtQty(l.unit, l.qty) + ' × ' + fmtMoney(l.unit_price) + (l.unit === 'gram' ? ' / kg' : '') +
          (l.discount && l.discount.amount ? ' (discount ' + fmtMoney(l.discount) + ')' : ''),
      })),
      h('td', { class: 'num', text: fmtMoney(l.total) })));
    return [
      h('p', { class: 'muted', text: fmtTime(r.created_at) + ' · ' + (r.cashier_name || '') + ' · sale ' + r.id }),
      h('table', { class: 'lines' }, h('tbody', null, lines)),
      table(null, [
        row('Total', fmtMoney(r.total), 'strong'),
        r.discount && r.discount.amount ? row('Discount', fmtMoney(r.discount)) : null,
        ...(r.vat || []).map((v) => row('incl. VAT ' + v.rate + '% on ' + fmtMoney(v.gross), fmtMoney(v.vat))),
        ...(r.payments || []).map((p) => row(p.method === 'card' ? 'Card' : 'Cash', fmtMoney(p.amount))),
        row('Change', fmtMoney(r.change), 'strong'),
      ].filter(Boolean)),
    ];
  }

  function startNewSale() {
    state.receipt = null;
    renderReceipt();
    renderCart();
    $('scan').focus();
  }

  function onClearCart(ev) {
    if (cartLocked() || !state.cart.length) return;
    if (!armed(ev.currentTarget, 'Press Clear sale again to empty the cart.')) return;
    setPending(null);
    $('tendered').value = '';
    $('card-part').value = '';
    $('card-part-box').hidden = true;
    setCart([]);
  }

  // -------------------------------------------------------------- returns

  async function openReturn() {
    clearError();
    state.returnSale = null;
    $('return-sale-id').value = '';
    $('return-sale').hidden = true;
    $('return-receipt').hidden = true;
    $('recent-sales').replaceChildren(h('li', { class: 'muted pad', text: 'Loading the last receipts…' }));
    openOverlay('return-panel');
    $('return-sale-id').focus();
    try {
      state.recent = await recentSales();
      renderRecent();
    } catch (e) {
      $('recent-sales').replaceChildren();
      if (!e.handled) showError(e);
    }
  }

  // recentSales pages through this shift's sales (oldest first on the
  // server) and keeps the last 20, newest first.
  async function recentSales() {
    let all = [];
    let cursor = '';
    for (let pages = 0; pages < 20; pages++) {
      const q = '/api/v1/sales?limit=500&shift=' + encodeURIComponent(state.shift.id) + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
      const page = await api('GET', q);
      all = all.concat(page.items || []).slice(-20);
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    return all.reverse();
  }

  function renderRecent() {
    const list = $('recent-sales');
    if (!state.recent.length) return list.replaceChildren(h('li', { class: 'muted pad', text: 'No sales in this shift yet.' }));
    list.replaceChildren(...state.recent.map((s) => h('li', null, h('button', {
      type: 'button', class: 'result', onclick: () => { $('return-receipt').hidden = true; loadReturnSale(s.id); },
    }, h('span', { class: 'name', text: 'No ' + s.receipt_no + ' · ' + fmtTime(s.created_at) }),
    h('b', { class: 'num', text: fmtMoney(s.total) })))));
  }

  async function onReturnFind(ev) {
    ev.preventDefault();
    clearError();
    const v = $('return-sale-id').value.trim();
    if (!v) return showError(fieldError('id', 'Enter the sale ID from the receipt, or its number.'), { id: 'return-sale-id' });
    // A short number is a receipt number of this shift.
    const byNo = /^\d{1,9}$/.test(v) && state.recent.find((s) => String(s.receipt_no) === v);
    $('return-receipt').hidden = true;
    await loadReturnSale(byNo ? byNo.id : v);
  }

  async function loadReturnSale(id) {
    clearError();
    try {
      const sale = await api('GET', '/api/v1/sales/' + encodeURIComponent(id));
      state.returnSale = sale;
      renderReturnSale();
    } catch (e) {
      if (e.handled) return;
      if (e.status === 404) e.problem.detail = 'No sale with ID or receipt number “' + id + '” (a receipt number works for this shift only).';
      showError(e, { id: 'return-sale-id', '@not_found': 'return-sale-id' });
    }
  }

  function renderReturnSale() {
    const s = state.returnSale;
    $('return-sale').hidden = false;
    $('return-sale-info').textContent = 'Receipt No ' + s.receipt_no + ' · ' + fmtTime(s.created_at) + ' · ' + fmtMoney(s.total);
    $('return-lines').replaceChildren(...s.lines.map((l, i) => {
      const left = l.qty - (l.returned_qty || 0);
      const input = h('input', {
        id: 'return-qty-' + i, inputmode: 'numeric', value: '0', disabled: left <= 0,
        'aria-label': 'Quantity to return of ' + l.name + (l.unit === 'gram' ? ', grams' : ''),
      });
      return h('li', { class: 'line', data: { sku: l.sku, i: String(i) } },
        h('span', { class: 'name' }, l.name, h('small', {
          text: 'sold ' + fmtQty(l.unit, l.qty) + ' for ' + fmtMoney(l.total) +
            (l.returned_qty ? ' · returned ' + fmtQty(l.unit, l.returned_qty) : ''),
        })),
        h('span', { class: 'qty' }, input, l.unit === 'gram' ? ' g' : ''),
        h('button', { type: 'button', disabled: left <= 0, text: 'All', onclick: () => { input.value = String(left); } }));
    }));
  }

  // returnLines reads the quantities to return, summed per SKU (the server
  // takes a SKU from the first sale line that has some left).
  function returnLines() {
    const s = state.returnSale;
    const bySku = new Map();
    s.lines.forEach((l, i) => {
      const input = $('return-qty-' + i);
      const text = input.value.trim() || '0';
      const left = l.qty - (l.returned_qty || 0);
      if (!/^\d{1,7}$/.test(text) || Number(text) > left) {
        throw Object.assign(fieldError('qty', 'Return 0 to ' + fmtQty(l.unit, left) + ' of ' + l.name + '.'), { input });
      }
      if (Number(text) > 0) bySku.set(l.sku, (bySku.get(l.sku) || 0) + Number(text));
    });
    if (!bySku.size) throw fieldError('qty', 'Enter how much of which line comes back.');
    return Array.from(bySku, ([sku, qty]) => ({ sku, qty }));
  }

  async function onReturnSubmit() {
    clearError();
    const s = state.returnSale;
    let lines;
    try {
      lines = returnLines();
    } catch (e) {
      return showError(e, { qty: () => e.input || $('return-lines') });
    }
    const body = JSON.stringify({ lines });
    const fields = { lines: (f) => returnLineElement(lines, f) };
    const p = state.returnPending && state.returnPending.saleId === s.id ? state.returnPending : null;
    state.returnPending = { key: keyFor(p, body), body, saleId: s.id, unknown: false };
    await busy($('return-submit'), async () => {
      try {
        const ret = await api('POST', '/api/v1/sales/' + encodeURIComponent(s.id) + '/returns', body, { key: state.returnPending.key });
        state.returnPending = null;
        renderReturnReceipt(ret);
        loadReturnSale(s.id); // fresh returned quantities
      } catch (e) {
        if (e.handled) return;
        if (unknownOutcome(e)) {
          state.returnPending.unknown = true;
          return showError(fieldError('', 'The return was not confirmed (' + e.message + ') Press Return selected again: it cannot refund twice.'));
        }
        showError(e, fields);
      }
    });
  }

  function returnLineElement(lines, field) {
    const m = /^lines\[(\d+)\]/.exec(field);
    const sku = m && lines[Number(m[1])] && lines[Number(m[1])].sku;
    const li = sku && $('return-lines').querySelector('li[data-sku="' + CSS.escape(sku) + '"] input:not([disabled])');
    return li || $('return-lines');
  }

  // unitOf finds a returned SKU's unit on the sale (a return line has none).
  function unitOf(sku) {
    const l = state.returnSale && state.returnSale.lines.find((x) => x.sku === sku);
    return l ? l.unit : 'piece';
  }

  function renderReturnReceipt(ret) {
    const box = $('return-receipt');
    box.replaceChildren(
      h('h3', { text: 'Return receipt No ' + ret.receipt_no }),
      h('table', { class: 'lines' }, h('tbody', null, ret.lines.map((l) => h('tr', null,
        h('td', null, l.name, h('small', { text: fmtQty(unitOf(l.sku), l.qty) })),
        h('td', { class: 'num', text: fmtMoney(l.amount) }))))),
      table(null, [
        row('Returned', fmtMoney(ret.total), 'strong'),
        ...(ret.vat || []).map((v) => row('incl. VAT ' + v.rate + '%', fmtMoney(v.vat))),
        ...(ret.refunds || []).filter((p) => p.amount.amount > 0).map((p) =>
          row(p.method === 'card' ? 'Refund to the card' : 'Give back in cash', fmtMoney(p.amount), 'strong')),
      ]));
    box.hidden = false;
    notice('Return recorded.');
  }

  // ----------------------------------------------------------------- wiring

  function wire() {
    $('login-form').addEventListener('submit', onLogin);
    $('keypad').addEventListener('click', onKeypad);
    $('logout').addEventListener('click', onLogout);
    $('z-logout').addEventListener('click', onLogout);
    $('open-form').addEventListener('submit', onOpenShift);
    $('z-new-shift').addEventListener('click', () => { clearError(); showOpen(); });
    $('x-report').addEventListener('click', onXReport);
    $('cash-toggle').addEventListener('click', openCashPanel);
    $('cash-in').addEventListener('click', (ev) => onMoveCash('in', ev.currentTarget));
    $('cash-out').addEventListener('click', (ev) => onMoveCash('out', ev.currentTarget));
    $('close-shift').addEventListener('click', onCloseShift);
    $('counted').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') onCloseShift(); });
    $('return-toggle').addEventListener('click', openReturn);
    $('return-find').addEventListener('submit', onReturnFind);
    $('return-submit').addEventListener('click', onReturnSubmit);
    $('scan-form').addEventListener('submit', onScan);
    $('scan').addEventListener('input', onScanInput);
    $('cart').addEventListener('click', onCartClick);
    $('pay').addEventListener('submit', (ev) => { ev.preventDefault(); pay('cash', $('pay-cash')); });
    $('pay-card').addEventListener('click', (ev) => pay('card', ev.currentTarget));
    $('pay-split').addEventListener('click', (ev) => pay('split', ev.currentTarget));
    $('tendered').addEventListener('input', renderTotals);
    $('card-part').addEventListener('input', renderTotals);
    $('clear-cart').addEventListener('click', onClearCart);
    $('new-sale').addEventListener('click', startNewSale);
    $('weight-form').addEventListener('submit', onWeighOk);
    $('grams').addEventListener('input', onGramsInput);
    $('error').addEventListener('click', clearError);
    for (const b of document.querySelectorAll('.dismiss')) b.addEventListener('click', closeOverlay);
    for (const b of document.querySelectorAll('.print')) b.addEventListener('click', () => window.print());
    $('overlay').addEventListener('click', (ev) => { if (ev.target === $('overlay')) closeOverlay(); });
    document.addEventListener('keydown', onGlobalKey);
    window.addEventListener('resize', fitToBar);
  }

  // onGlobalKey closes dialogs on Escape and sends typing that lands on no
  // field to the scan box, so a scanner works after a tap on the screen.
  function onGlobalKey(ev) {
    if (ev.key === 'Escape' && !$('overlay').hidden) return closeOverlay();
    const t = ev.target;
    if (t && (t.matches('input, textarea, select') || t.isContentEditable)) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.key.length !== 1) return;
    if (!$('view-sell').hidden && $('overlay').hidden) $('scan').focus();
  }

  function boot() {
    wire();
    state.cart = store.get(localStorage, KEYS.cart) || [];
    state.pending = store.get(localStorage, KEYS.pending);
    const s = store.get(sessionStorage, KEYS.session);
    if (s && s.token && Date.parse(s.expires_at) > Date.now()) {
      state.session = s;
      enterTill();
    } else {
      showLogin();
    }
  }

  // Exposed for tests of the money helpers (node or the browser console).
  window.StoreEdgePOS = { fmtAmount, fmtMoney, parseMoney, parseGrams, divRound };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
