// StoreEdge cashier screen: a dependency-free page that talks to the edge
// server's JSON API. Nothing here decides a price: the running total is
// shown for the cashier's convenience only, and the receipt shows what the
// server priced and recorded. This module loads the shop's settings and
// the till's language, wires the screens together and routes scans.
import { onCartClick, onGramsInput, onWeighOk, renderCart, renderTotals } from './cart.js';
import { onCustomerFind, onRegister, openCustomerByCode, openCustomerPanel, openRegister, renderCustomer, setCustomer } from './customer.js';
import { $, h } from './dom.js';
import { divRound, fmtAmount, fmtMoney, fmtTime, parseGrams, parseMoney } from './format.js';
import { applyDom, loadLanguage, pickLanguage, t } from './i18n.js';
import { onKeypad, onLogin, onLogout, showLogin } from './login.js';
import { approvalPending, onApprovalCancel, onApprovalSubmit, onOverride, onVoid } from './manager.js';
import { onNoReceiptFind, onNoReceiptScanned, onNoReceiptSubmit, openNoReceipt } from './noreceipt.js';
import { onClearCart, onPointsMax, pay, renderPending, renderReceipt, startNewSale } from './payment.js';
import { openPickups } from './pickups.js';
import { onOrder, onProductAdd } from './product.js';
import { onReservationFind, onReservedApprove, onReservedCode, openReservationByCode, openReservationPanel } from './reservations.js';
import { onReturnFind, onReturnSubmit, openReturn } from './returns.js';
import { onScan, onScanInput, onScanned } from './sale.js';
import { onScan as onScanner, startScanner } from './scanner.js';
import { enterTill, onCloseShift, onMoveCash, onOpenShift, onXReport, openCashPanel, showOpen } from './shift.js';
import { state } from './state.js';
import { KEYS, store } from './storage.js';
import { clearError, closeOverlay, currentView, fitToBar, overlayPanel, renderBar } from './ui.js';

function on(id, event, fn) { $(id).addEventListener(event, fn); }

function wire() {
  on('login-form', 'submit', onLogin);
  on('keypad', 'click', onKeypad);
  on('logout', 'click', onLogout);
  on('z-logout', 'click', onLogout);
  on('open-form', 'submit', onOpenShift);
  on('z-new-shift', 'click', () => { clearError(); showOpen(); });
  on('x-report', 'click', onXReport);
  on('cash-toggle', 'click', openCashPanel);
  on('cash-in', 'click', (ev) => onMoveCash('in', ev.currentTarget));
  on('cash-out', 'click', (ev) => onMoveCash('out', ev.currentTarget));
  on('close-shift', 'click', onCloseShift);
  on('counted', 'keydown', (ev) => { if (ev.key === 'Enter') onCloseShift(); });
  on('return-toggle', 'click', openReturn);
  on('return-find', 'submit', onReturnFind);
  on('return-submit', 'click', onReturnSubmit);
  on('return-noreceipt-open', 'click', openNoReceipt);
  on('noreceipt-find', 'submit', onNoReceiptFind);
  on('noreceipt-submit', 'click', onNoReceiptSubmit);
  on('approval-form', 'submit', onApprovalSubmit);
  on('approval-cancel', 'click', onApprovalCancel);
  on('line-override', 'click', onOverride);
  on('line-void', 'click', onVoid);
  on('customer-open', 'click', openCustomerPanel);
  on('customer-clear', 'click', () => setCustomer(null));
  on('customer-find', 'submit', onCustomerFind);
  on('customer-register-open', 'click', () => openRegister(''));
  on('customer-register', 'submit', onRegister);
  on('reservation-toggle', 'click', openReservationPanel);
  on('reservation-find', 'submit', onReservationFind);
  on('reserved-code-form', 'submit', onReservedCode);
  on('reserved-approve', 'click', onReservedApprove);
  on('pickups-toggle', 'click', openPickups);
  on('product-add', 'click', onProductAdd);
  on('order-submit', 'click', onOrder);
  on('scan-form', 'submit', onScan);
  on('scan', 'input', onScanInput);
  on('cart', 'click', onCartClick);
  on('pay', 'submit', (ev) => { ev.preventDefault(); pay('cash', $('pay-cash')); });
  on('pay-card', 'click', (ev) => pay('card', ev.currentTarget));
  on('pay-split', 'click', (ev) => pay('split', ev.currentTarget));
  on('points-max', 'click', onPointsMax);
  for (const id of ['tendered', 'card-part', 'points-part']) on(id, 'input', renderTotals);
  on('clear-cart', 'click', onClearCart);
  on('new-sale', 'click', startNewSale);
  on('weight-form', 'submit', onWeighOk);
  on('grams', 'input', onGramsInput);
  on('error', 'click', clearError);
  for (const b of document.querySelectorAll('.dismiss')) b.addEventListener('click', closeOverlay);
  for (const b of document.querySelectorAll('.print')) b.addEventListener('click', () => window.print());
  on('overlay', 'click', (ev) => { if (ev.target === $('overlay') && !approvalPending()) closeOverlay(); });
  for (const sel of document.querySelectorAll('.lang-select')) sel.addEventListener('change', onLanguage);
  document.addEventListener('keydown', onGlobalKey);
  window.addEventListener('resize', fitToBar);
  onScanner(routeScan);
  startScanner();
}

// routeScan sends a scanned code to the screen that is in front: the
// customer panel takes cards and app QRs, the reservation panels codes,
// the return without a receipt goods, the selling screen everything.
function routeScan(code) {
  switch (overlayPanel()) {
    case 'customer-panel': $('customer-query').value = code; return openCustomerByCode(code);
    case 'reservation-panel': return openReservationByCode(code);
    case 'reserved-panel': $('reserved-code').value = code; return;
    case 'noreceipt-panel': return onNoReceiptScanned(code);
    case '': break;
    default: return; // a dialog that takes no scans
  }
  if (currentView() === 'sell' && state.shift) onScanned(code);
}

// onGlobalKey closes dialogs on Escape and sends typing that lands on no
// field to the scan box.
function onGlobalKey(ev) {
  if (ev.key === 'Escape' && !$('overlay').hidden) return approvalPending() ? onApprovalCancel() : closeOverlay();
  const tg = ev.target;
  if (tg && (tg.matches('input, textarea, select') || tg.isContentEditable)) return;
  if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.key.length !== 1) return;
  if (!$('view-sell').hidden && $('overlay').hidden) $('scan').focus();
}

function fillLanguageSelects() {
  for (const sel of document.querySelectorAll('.lang-select')) {
    sel.replaceChildren(...(state.config.languages || ['ru', 'uk', 'en']).map((l) =>
      h('option', { value: l, text: t('lang.' + l), selected: l === state.lang })));
  }
}

// onLanguage switches this till's language and keeps the choice.
async function onLanguage(ev) {
  const lang = ev.currentTarget.value;
  await loadLanguage(lang);
  store.set(localStorage, KEYS.lang, lang);
  repaint();
}

// repaint redraws everything in the current language.
function repaint() {
  applyDom();
  fillLanguageSelects();
  renderBar();
  renderCustomer();
  renderCart();
  renderPending();
  if (state.receipt) renderReceipt();
}

// loadConfig reads the shop's settings; the defaults stand in when the
// server is not reachable, so the login screen still shows.
async function loadConfig() {
  try {
    const res = await fetch('config.json', { cache: 'no-cache', credentials: 'omit' });
    if (res.ok) Object.assign(state.config, await res.json());
  } catch (e) { /* defaults */ }
  state.currency = state.config.currency || state.currency;
}

async function boot() {
  await loadConfig();
  try {
    await loadLanguage(pickLanguage(state.config));
  } catch (e) {
    await loadLanguage('ru');
  }
  applyDom();
  fillLanguageSelects();
  wire();
  state.cart = store.get(localStorage, KEYS.cart) || [];
  state.pending = store.get(localStorage, KEYS.pending);
  renderCustomer();
  const s = store.get(sessionStorage, KEYS.session);
  if (s && s.token && Date.parse(s.expires_at) > Date.now()) {
    state.session = s;
    enterTill();
  } else {
    showLogin();
  }
  document.body.dataset.ready = '1';
}

// Exposed for tests of the formats (the browser test, the console).
window.StoreEdgePOS = { fmtAmount, fmtMoney, fmtTime, parseMoney, parseGrams, divRound, t };

boot();
