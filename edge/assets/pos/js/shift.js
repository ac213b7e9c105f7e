// Shifts: open, cash in and out, X report, close (Z), and the sync status.
import { api } from './api.js';
import { money } from './cart.js';
import { $, isBlank } from './dom.js';
import { fmtMoney, parseMoney } from './format.js';
import { t } from './i18n.js';
import { startPickupPoll, stopPickupPoll } from './pickups.js';
import { renderReport } from './report.js';
import { showSell } from './sale.js';
import { SYNC_POLL_MS, state } from './state.js';
import { busy, clearError, closeOverlay, fieldError, notice, openOverlay, renderBar, showError, showView } from './ui.js';

// enterTill finds this till's open shift and shows the selling screen, or
// the open-shift form when there is none.
export async function enterTill() {
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

export function setShift(sh) {
  state.shift = sh;
  if (sh && sh.opening_float && sh.opening_float.currency) state.currency = sh.opening_float.currency;
  renderBar();
}

export async function showOpen() {
  showView('open');
  $('float').focus();
  // Learn the shop's currency from the catalog before the first shift.
  try {
    const page = await api('GET', '/api/v1/products?limit=1');
    const p = page && page.items && page.items[0];
    if (p && p.price && p.price.currency) state.currency = p.price.currency;
  } catch (e) { /* RUB stays the default */ }
}

export async function onOpenShift(ev) {
  ev.preventDefault();
  clearError();
  const fields = { opening_float: 'float' };
  const amount = parseMoney($('float').value);
  if (isBlank($('float').value) || amount === null) {
    return showError(fieldError('opening_float', 'open.need_float'), fields);
  }
  await busy($('open-shift'), async () => {
    try {
      setShift(await api('POST', '/api/v1/shifts', { opening_float: money(amount) }));
      $('float').value = '';
      notice(t('open.opened'));
      showSell();
    } catch (e) {
      if (e.handled) return;
      if (e.problem && e.problem.code === 'shift_already_open') return enterTill();
      showError(e, fields);
    }
  });
}

export async function onXReport() {
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

export function openCashPanel() {
  clearError();
  $('cash-amount').value = '';
  $('cash-reason').value = '';
  openOverlay('cash-panel');
  $('cash-amount').focus();
}

export async function onMoveCash(kind, btn) {
  clearError();
  const fields = { amount: 'cash-amount', reason: 'cash-reason', kind: 'cash-amount' };
  const amount = parseMoney($('cash-amount').value);
  if (!amount) return showError(fieldError('amount', 'cash.need_amount'), fields);
  const body = { kind, amount: money(amount) };
  if (!isBlank($('cash-reason').value)) body.reason = $('cash-reason').value.trim();
  await busy(btn, async () => {
    try {
      setShift(await api('POST', '/api/v1/shifts/' + encodeURIComponent(state.shift.id) + '/cash', body));
      closeOverlay();
      notice(t(kind === 'in' ? 'cash.put_in' : 'cash.took_out', { amount: fmtMoney(amount) }));
    } catch (e) {
      if (!e.handled) showError(e, fields);
    }
  });
}

export async function onCloseShift() {
  clearError();
  const fields = { counted_cash: 'counted' };
  if (state.cart.length || (state.pending && state.pending.unknown)) {
    return showError(fieldError('', 'bar.finish_sale_first'));
  }
  const counted = parseMoney($('counted').value);
  if (isBlank($('counted').value) || counted === null) {
    return showError(fieldError('counted_cash', 'bar.need_counted'), fields);
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

export function startSyncPoll() {
  stopSyncPoll();
  pollSync();
  state.syncTimer = setInterval(pollSync, SYNC_POLL_MS);
  startPickupPoll();
}

export function stopSyncPoll() {
  clearInterval(state.syncTimer);
  state.syncTimer = 0;
  stopPickupPoll();
  $('sync').hidden = true;
}

// pollSync shows whether sales are reaching the central office; the till
// sells offline either way.
export async function pollSync() {
  const el = $('sync');
  try {
    const s = await api('GET', '/api/v1/sync/status');
    const waiting = s.pending_events ? ' · ' + t('sync.to_send', { n: s.pending_events }) : '';
    state.offline = !s.connected;
    el.textContent = t(s.connected ? 'sync.online' : 'sync.offline') + waiting;
    el.className = 'sync ' + (s.connected ? 'good' : 'warn');
  } catch (e) {
    if (e.handled) return;
    if (e.status === 404) { el.hidden = true; return; } // this edge runs without sync
    el.textContent = t(e.network ? 'sync.no_edge' : 'sync.unknown');
    el.className = 'sync bad';
  }
  el.hidden = !state.session;
}
