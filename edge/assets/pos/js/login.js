// The login screen: till token, cashier and PIN.
import { api } from './api.js';
import { setCart } from './cart.js';
import { $, isBlank } from './dom.js';
import { enterTill, stopSyncPoll } from './shift.js';
import { state } from './state.js';
import { t } from './i18n.js';
import { KEYS, store } from './storage.js';
import { armed, busy, clearError, closeOverlay, fieldError, showError, showView } from './ui.js';

export function showLogin(message) {
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

export function sessionExpired(problem) {
  state.session = null;
  store.set(sessionStorage, KEYS.session, null);
  // The cart and any unconfirmed sale stay: after logging in again the
  // cashier carries on (and a retry keeps its Idempotency-Key).
  showLogin(fieldError('', 'login.session_ended'));
}

export function onKeypad(ev) {
  const btn = ev.target.closest('button[data-key]');
  if (!btn) return;
  const pin = $('pin');
  const k = btn.dataset.key;
  if (k === 'C') pin.value = '';
  else if (k === 'B') pin.value = pin.value.slice(0, -1);
  else if (pin.value.length < 12) pin.value += k;
}

export const LOGIN_FIELDS = { terminal_token: 'terminal-token', cashier: 'cashier', pin: 'pin', '@unauthorized': 'pin' };

export async function onLogin(ev) {
  ev.preventDefault();
  clearError();
  const body = {
    terminal_token: $('terminal-token').value.trim(),
    cashier: $('cashier').value.trim(),
    pin: $('pin').value.trim(),
  };
  if (!body.terminal_token) return showError(fieldError('terminal_token', 'login.need_token'), LOGIN_FIELDS);
  if (!body.cashier) return showError(fieldError('cashier', 'login.need_cashier'), LOGIN_FIELDS);
  if (!/^\d{4,12}$/.test(body.pin)) return showError(fieldError('pin', 'login.need_pin'), LOGIN_FIELDS);
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

export async function onLogout(ev) {
  if (state.pending && state.pending.unknown) {
    return showError(fieldError('', 'pay.unconfirmed_first'));
  }
  if (state.cart.length && !armed(ev.currentTarget, t('login.logout_confirm'))) return;
  setCart([]);
  try { await api('POST', '/api/v1/logout', undefined, { quiet: true }); } catch (e) { /* the session ends anyway */ }
  state.session = null;
  state.shift = null;
  store.set(sessionStorage, KEYS.session, null);
  showLogin();
}
