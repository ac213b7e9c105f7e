// Payment, the unconfirmed sale and the receipt. A sale is sent with an
// Idempotency-Key; while its outcome is unknown the cart is locked and a
// retry sends the same body with the same key, so it never charges twice.
import { api, keyFor, unknownOutcome } from './api.js';
import { cartLocked, cartTotal, money, renderCart, renderTotals, setCart } from './cart.js';
import { customerRef, renderCustomer, setCustomer } from './customer.js';
import { $, h, isBlank, row, table } from './dom.js';
import { fmtAmount, fmtMoney, fmtQty, fmtTime, parseMoney, perUnit } from './format.js';
import { t } from './i18n.js';
import { askReservedStock } from './reservations.js';
import { enterTill } from './shift.js';
import { state } from './state.js';
import { KEYS, store } from './storage.js';
import { armed, busy, clearError, fieldError, notice, showError } from './ui.js';

export const SALE_FIELDS = {
  lines: (f) => lineElement('cart', f),
  payments: () => ($('card-part-box').hidden ? $('tendered') : $('card-part')),
  '@insufficient_points': 'points-part',
  '@points_over_limit': 'points-part',
  '@points_cap_reached': 'points-part',
  '@insufficient_stock': 'cart',
  '@unknown_sku': 'cart',
};

function lineElement(listId, field) {
  const m = /^lines\[(\d+)\]/.exec(field);
  return (m && $(listId).children[Number(m[1])]) || $(listId);
}

// maxPoints is the most of total the customer may pay with points: their
// balance (and today's offline cap) in money, at most max_redeem_pct of the
// receipt, in whole points.
export function maxPoints(total) {
  const c = state.customer;
  if (!c || !c.point_value) return 0;
  let pts = Math.max(0, Number(c.points_balance != null ? c.points_balance : c.loyalty_points) || 0);
  if (c.offline_points_cap != null && c.offline_points_cap >= 0) pts = Math.min(pts, c.offline_points_cap); // what they may still burn here today
  let cap = total;
  if (c.max_redeem_pct != null) {
    const x = total * Math.min(Math.max(c.max_redeem_pct, 0), 100);
    cap = (x - (x % 100)) / 100; // the server rounds the share down
  }
  const capPts = (cap - (cap % c.point_value)) / c.point_value;
  return Math.min(pts, capPts) * c.point_value;
}

// renderPointsBox shows the points field when the customer can pay with
// points, with the most they may use on this receipt.
export function renderPointsBox(total) {
  const c = state.customer;
  const show = !!(c && c.point_value && state.cart.length && !state.receipt);
  $('points-box').hidden = !show;
  if (!show) return;
  const max = maxPoints(total);
  $('points-label').textContent = t('pay.points_part', { max: fmtMoney(max) });
  $('points-max').dataset.max = String(max);
}

export function onPointsMax() {
  const max = Number($('points-max').dataset.max || 0);
  $('points-part').value = max ? fmtAmount(max) : '';
  renderTotals();
}

// pointsPayment reads the points part: money, a multiple of point_value.
function pointsPayment(total) {
  if ($('points-box').hidden || isBlank($('points-part').value)) return 0;
  const pts = parseMoney($('points-part').value);
  const c = state.customer;
  if (pts === null) throw fieldError('payments', 'pay.bad_points');
  if (pts > maxPoints(total)) throw Object.assign(fieldError('payments', 'pay.points_too_much', { max: fmtMoney(maxPoints(total)) }), { field: 'points-part' });
  if (c.point_value && pts % c.point_value) throw Object.assign(fieldError('payments', 'pay.points_step', { step: fmtMoney(c.point_value) }), { field: 'points-part' });
  return pts;
}

// payments builds the tenders of a payment kind from the inputs, using the
// display total; the server checks them against its own total.
function payments(kind) {
  const total = cartTotal();
  const points = pointsPayment(total);
  const tenderedText = $('tendered').value;
  const tendered = parseMoney(tenderedText);
  if (!isBlank(tenderedText) && tendered === null) throw fieldError('payments', 'pay.bad_cash');
  const out = [];
  if (points) out.push({ method: 'points', amount: money(points) });
  const rest = total - points;
  if (rest <= 0) return out;
  if (kind === 'card') return out.concat([{ method: 'card', amount: money(rest) }]);
  let card = 0;
  if (kind === 'split') {
    card = parseMoney($('card-part').value);
    if (!card || card >= rest) throw fieldError('payments', 'pay.need_card_part');
  }
  const cash = isBlank(tenderedText) ? rest - card : tendered;
  if (cash < rest - card) {
    throw Object.assign(fieldError('payments', 'pay.cash_short', { due: fmtMoney(rest - card) }), { field: 'tendered' });
  }
  if (card) out.push({ method: 'card', amount: money(card) });
  out.push({ method: 'cash', amount: money(cash) });
  return out;
}

// saleBody is the sale as the server takes it: lines (a scale label goes
// as its barcode), payments, the customer, the reservation it collects and
// the manager's approval of overrides, voids or reserved stock.
function saleBody(kind, extra) {
  const lines = state.cart.map((l) => {
    if (l.barcode) return { barcode: l.barcode };
    const line = { sku: l.sku, qty: l.qty };
    if (l.price_override != null) Object.assign(line, { price_override: money(l.price_override), reason: l.reason || '' });
    return line;
  });
  const body = { lines, payments: payments(kind) };
  if (state.customer) body.customer = customerRef();
  if (state.reservation) body.reservation_code = state.reservation.code;
  if (state.voided.length) body.voided_lines = state.voided;
  const approval = (extra && extra.approval) || state.approval;
  if (approval) body.approval = approval;
  if (extra && extra.reservation_code) body.reservation_code = extra.reservation_code;
  return body;
}

export async function pay(kind, btn, extra) {
  clearError();
  if (state.pending && state.pending.unknown) return retrySale();
  if (!state.cart.length) return showError(fieldError('', 'pay.cart_empty'), { '': 'scan' });
  if (kind === 'split' && $('card-part-box').hidden) {
    $('card-part-box').hidden = false;
    $('card-part').focus();
    return notice(t('pay.split_hint'));
  }
  // Enter in the cash field after a card part completes a split.
  if (kind === 'cash' && !$('card-part-box').hidden && !isBlank($('card-part').value)) kind = 'split';
  let body;
  try {
    body = JSON.stringify(saleBody(kind, extra));
  } catch (e) {
    const target = e.field ? { payments: e.field } : SALE_FIELDS;
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
async function sendSale() {
  const p = state.pending;
  try {
    const sale = await api('POST', '/api/v1/sales', p.body, { key: p.key });
    setPending(null);
    state.receipt = sale;
    for (const id of ['tendered', 'card-part', 'points-part']) $(id).value = '';
    $('card-part-box').hidden = true;
    setCart([]);
    setCustomer(null);
    renderReceipt();
  } catch (e) {
    if (e.handled) return; // 401: says nothing about the sale; keep the key
    if (unknownOutcome(e)) {
      setPending(Object.assign({}, p, { unknown: true }));
      return showError(fieldError('', 'pay.not_confirmed'));
    }
    // The server answered: nothing was written. The next attempt gets a
    // fresh key unless its body is the same.
    setPending(Object.assign({}, p, { unknown: false }));
    if (e.problem.code === 'idempotency_key_reused') setPending(null);
    if (e.problem.code === 'shift_not_open' || e.problem.code === 'shift_closed') enterTill();
    if (e.problem.code === 'reserved_stock') return askReservedStock(e.problem, (extra) => pay(state.payMode, $('pay-cash'), extra));
    showError(e, SALE_FIELDS);
  }
}

async function retrySale() {
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
    h('p', { text: '⚠ ' + t('pay.pending_title') }),
    h('div', { class: 'row' },
      h('button', { id: 'pay-retry', type: 'button', class: 'primary big grow', text: t('pay.retry'), onclick: () => { clearError(); retrySale(); } }),
      h('button', { id: 'pay-discard', type: 'button', class: 'big', text: t('pay.discard'), onclick: onDiscardPending })));
}

function onDiscardPending(ev) {
  if (!armed(ev.currentTarget, t('pay.discard_confirm'))) return;
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

const METHOD_KEYS = { cash: 'pay.cash', card: 'pay.card', points: 'pay.points', online: 'pay.online' };

export function methodName(m) { return t(METHOD_KEYS[m] || 'pay.other'); }

// receiptParts lays out a sale as the server recorded it.
export function receiptParts(r) {
  const lines = r.lines.map((l) => h('tr', null,
    h('td', null, l.name, h('small', {
      text: fmtQty(l.unit, l.qty) + ' × ' + fmtMoney(l.unit_price) + perUnit(l.unit) +
        (l.discount && l.discount.amount ? ' (' + t('receipt.discount_of', { amount: fmtMoney(l.discount) }) + ')' : '') +
        (l.price_before ? ' · ' + t('line.overridden') : ''),
    })),
    h('td', { class: 'num', text: fmtMoney(l.total) })));
  return [
    h('p', { class: 'muted', text: fmtTime(r.created_at) + ' · ' + (r.cashier_name || '') + ' · ' + t('receipt.sale_id', { id: r.id }) }),
    h('table', { class: 'lines' }, h('tbody', null, lines)),
    table(null, [
      row(t('report.total'), fmtMoney(r.total), 'strong'),
      r.discount && r.discount.amount ? row(t('receipt.discount'), fmtMoney(r.discount)) : null,
      ...(r.vat || []).map((v) => row(t('receipt.vat', { rate: v.rate, gross: fmtMoney(v.gross) }), fmtMoney(v.vat))),
      ...(r.payments || []).map((p) => row(methodName(p.method), fmtMoney(p.amount))),
      row(t('sell.change'), fmtMoney(r.change), 'strong'),
      r.points_earned ? row(t('receipt.points_earned'), String(r.points_earned)) : null,
      r.approved_by_name ? row(t('receipt.approved_by'), r.approved_by_name) : null,
    ].filter(Boolean)),
  ];
}

export function startNewSale() {
  state.receipt = null;
  renderReceipt();
  renderCart();
  renderCustomer();
  $('scan').focus();
}

export function onClearCart(ev) {
  if (cartLocked() || !state.cart.length) return;
  if (!armed(ev.currentTarget, t('pay.clear_confirm'))) return;
  setPending(null);
  for (const id of ['tendered', 'card-part', 'points-part']) $(id).value = '';
  $('card-part-box').hidden = true;
  setCart([]);
  setCustomer(null);
}
