// Messages, errors, busy buttons, views and overlays.
import { $ } from './dom.js';
import { fmtMoney, fmtSince } from './format.js';
import { problemText, t } from './i18n.js';
import { state } from './state.js';

let noticeTimer = 0;

export function notice(text) {
  const el = $('notice');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { el.hidden = true; }, 4000);
}

export function clearError() {
  $('error').hidden = true;
  for (const el of document.querySelectorAll('.invalid')) {
    el.classList.remove('invalid');
    el.removeAttribute('aria-invalid');
  }
}

// showError shows a problem in the cashier's language and marks the input
// its field names. fields maps a field path prefix ("lines",
// "opening_float") or "@code" to an element id or to a function of the full
// path that returns an element.
export function showError(err, fields) {
  clearError();
  const p = (err && err.problem) || { detail: String((err && err.message) || err) };
  const el = $('error');
  el.textContent = problemText(p);
  el.dataset.code = p.code || '';
  el.hidden = false;
  const target = fieldElement(fields, p.field) || fieldElement(fields, p.code && '@' + p.code);
  if (target) {
    target.classList.add('invalid');
    target.setAttribute('aria-invalid', 'true');
    if (typeof target.focus === 'function' && target.matches('input')) target.focus();
  }
}

export function fieldElement(fields, field) {
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
// function shows both; key and params name its text in the catalog.
export function fieldError(field, key, params) {
  const detail = t(key, params);
  const e = new Error(detail);
  e.problem = { detail, field, code: 'client', localized: true };
  return e;
}

// armed implements "press again to confirm" without window.confirm, which
// blocks the till (and which browser test drivers dismiss).
export function armed(btn, message) {
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
export async function busy(btn, fn) {
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

export const VIEWS = ['login', 'open', 'sell', 'z'];

export function currentView() { return VIEWS.find((v) => !$('view-' + v).hidden) || ''; }

export function showView(name) {
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
export function fitToBar() {
  const bar = $('shift-bar');
  document.documentElement.style.setProperty('--bar-h', (bar.hidden ? 0 : bar.offsetHeight) + 'px');
}

export function renderBar() {
  const s = state.session;
  $('who').textContent = s
    ? s.cashier.name + (s.cashier.role === 'manager' ? ' (' + t('bar.manager') + ')' : '') + ' · ' + s.terminal.name
    : '';
  const sh = state.shift;
  $('shift-info').textContent = sh
    ? t('bar.shift_since', { since: fmtSince(sh.opened_at), float: fmtMoney(sh.opening_float) })
    : t('bar.no_shift');
}

// openOverlay shows one panel of the overlay.
export function openOverlay(id) {
  const ov = $('overlay');
  for (const sec of ov.children) sec.hidden = sec.id !== id;
  ov.hidden = false;
  document.body.classList.add('overlay-open');
}

// overlayPanel is the id of the panel on screen, or ''.
export function overlayPanel() {
  if ($('overlay').hidden) return '';
  const sec = Array.from($('overlay').children).find((s) => !s.hidden);
  return sec ? sec.id : '';
}

export function closeOverlay() {
  $('overlay').hidden = true;
  document.body.classList.remove('overlay-open');
  state.weigh = null;
}
