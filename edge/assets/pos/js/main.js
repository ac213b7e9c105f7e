// StoreEdge cashier screen: a dependency-free page that talks to the edge
// server's JSON API. Nothing here decides a price: the running total is
// shown for the cashier's convenience only, and the receipt shows what the
// server priced and recorded. This module wires the screens together.
import { onCartClick, onGramsInput, onWeighOk, renderTotals } from './cart.js';
import { $ } from './dom.js';
import { divRound, fmtAmount, fmtMoney, parseGrams, parseMoney } from './format.js';
import { onKeypad, onLogin, onLogout, showLogin } from './login.js';
import { onClearCart, pay, startNewSale } from './payment.js';
import { onReturnFind, onReturnSubmit, openReturn } from './returns.js';
import { onScan, onScanInput } from './sale.js';
import { enterTill, onCloseShift, onMoveCash, onOpenShift, onXReport, openCashPanel, showOpen } from './shift.js';
import { state } from './state.js';
import { KEYS, store } from './storage.js';
import { clearError, closeOverlay, fitToBar } from './ui.js';

export function wire() {
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
export function onGlobalKey(ev) {
  if (ev.key === 'Escape' && !$('overlay').hidden) return closeOverlay();
  const t = ev.target;
  if (t && (t.matches('input, textarea, select') || t.isContentEditable)) return;
  if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.key.length !== 1) return;
  if (!$('view-sell').hidden && $('overlay').hidden) $('scan').focus();
}

export function boot() {
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

// Exposed for tests of the money helpers (the browser console).
window.StoreEdgePOS = { fmtAmount, fmtMoney, parseMoney, parseGrams, divRound };

// A module script runs after the document is parsed.
boot();
