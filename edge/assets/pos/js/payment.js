// Payment, the unconfirmed sale and the receipt.
import { api, keyFor, unknownOutcome } from './api.js';
import { cartLocked, cartTotal, money, renderCart, renderTotals, setCart } from './cart.js';
import { $, h, isBlank, row, table } from './dom.js';
import { fmtMoney, fmtQty, fmtTime, parseMoney } from './format.js';
import { enterTill } from './shift.js';
import { state } from './state.js';
import { KEYS, store } from './storage.js';
import { armed, busy, clearError, fieldError, notice, showError } from './ui.js';

export const SALE_FIELDS = {
  lines: (f) => lineElement('cart', f),
  payments: () => ($('card-part-box').hidden ? $('tendered') : $('card-part')),
  '@insufficient_stock': 'cart',
  '@unknown_sku': 'cart',
};

export function lineElement(listId, field) {
  const m = /^lines\[(\d+)\]/.exec(field);
  return (m && $(listId).children[Number(m[1])]) || $(listId);
}

// payments builds the tenders of a payment kind from the inputs, using the
// display total; the server checks them against its own total.
export function payments(kind) {
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

export async function pay(kind, btn) {
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

export function setPending(p) {
  state.pending = p;
  store.set(localStorage, KEYS.pending, p);
  renderPending();
}

// sendSale posts the pending sale with its Idempotency-Key.
export async function sendSale() {
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

export async function retrySale() {
  await busy($('pay-retry'), sendSale);
}

export function renderPending() {
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

export function onDiscardPending(ev) {
  if (!armed(ev.currentTarget, 'It may have gone through: check the last receipts under Return. Press Discard again to unlock the cart.')) return;
  setPending(null);
  clearError();
}

export function renderReceipt() {
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
export function receiptParts(r) {
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

export function startNewSale() {
  state.receipt = null;
  renderReceipt();
  renderCart();
  $('scan').focus();
}

export function onClearCart(ev) {
  if (cartLocked() || !state.cart.length) return;
  if (!armed(ev.currentTarget, 'Press Clear sale again to empty the cart.')) return;
  setPending(null);
  $('tendered').value = '';
  $('card-part').value = '';
  $('card-part-box').hidden = true;
  setCart([]);
}
