// Manager actions: what a cashier may not do alone needs a manager's name
// and PIN (the server checks them: 403 forbidden when wrong). Here: price
// override and line void in the cart; the return without a receipt uses
// the same approval dialog.
import { lineTotal, setCart } from './cart.js';
import { $, isBlank } from './dom.js';
import { fmtMoney, fmtQty, parseMoney, perUnit } from './format.js';
import { t } from './i18n.js';
import { state } from './state.js';
import { clearError, closeOverlay, fieldError, notice, openOverlay, overlayPanel, showError } from './ui.js';

let pendingApproval = null; // {resolve, back}

// askApproval shows the approval dialog over the current panel and
// resolves to {cashier, pin}, or null when cancelled. A manager logged in
// at the till is offered as the approver.
export function askApproval(why) {
  const back = overlayPanel();
  $('approval-why').textContent = why;
  const s = state.session;
  $('approval-cashier').value = s && s.cashier.role === 'manager' ? s.cashier.name : '';
  $('approval-pin').value = '';
  openOverlay('approval-panel');
  (isBlank($('approval-cashier').value) ? $('approval-cashier') : $('approval-pin')).focus();
  return new Promise((resolve) => { pendingApproval = { resolve, back }; });
}

function finishApproval(result) {
  const p = pendingApproval;
  pendingApproval = null;
  if (!p) return;
  if (p.back) openOverlay(p.back); else closeOverlay();
  p.resolve(result);
}

export function onApprovalSubmit(ev) {
  ev.preventDefault();
  clearError();
  const cashier = $('approval-cashier').value.trim();
  const pin = $('approval-pin').value.trim();
  if (!cashier) return showError(fieldError('cashier', 'mgr.need_name'), { cashier: 'approval-cashier' });
  if (!/^\d{4,12}$/.test(pin)) return showError(fieldError('pin', 'login.need_pin'), { pin: 'approval-pin' });
  finishApproval({ cashier, pin });
}

export function onApprovalCancel() { finishApproval(null); }

// approvalPending reports whether the dialog waits for an answer (Escape
// then cancels it rather than closing everything).
export function approvalPending() { return !!pendingApproval; }

let lineIndex = -1;

export function openLineMenu(i) {
  lineIndex = i;
  const l = state.cart[i];
  $('line-name').textContent = l.name;
  $('line-price').textContent = fmtQty(l.unit, l.qty) + ' · ' + fmtMoney(l.price) + perUnit(l.unit) + ' · ' + fmtMoney(lineTotal(l));
  $('line-new-price').value = '';
  $('line-reason').value = '';
  openOverlay('line-panel');
  $('line-new-price').focus();
}

// onOverride sets a line's unit price with a manager's approval; the sale
// sends it with the reason and the approval, and the server records who.
export async function onOverride() {
  clearError();
  const price = parseMoney($('line-new-price').value);
  const reason = $('line-reason').value.trim();
  if (!price) return showError(fieldError('price_override', 'line.need_price'), { price_override: 'line-new-price' });
  if (!reason) return showError(fieldError('reason', 'line.need_reason'), { reason: 'line-reason' });
  const l = state.cart[lineIndex];
  const approval = await askApproval(t('mgr.why_override', { name: l.name, price: fmtMoney(price) }));
  if (!approval) return openOverlay('line-panel');
  state.approval = approval;
  const cart = state.cart.slice();
  cart[lineIndex] = Object.assign({}, l, { price_override: price, reason });
  closeOverlay();
  setCart(cart);
  notice(t('line.override_done'));
}

// onVoid takes a line off the receipt with a manager's approval; the sale
// records the voided line (no stock, no money).
export async function onVoid() {
  clearError();
  const reason = $('line-reason').value.trim();
  if (!reason) return showError(fieldError('reason', 'line.need_reason'), { reason: 'line-reason' });
  const l = state.cart[lineIndex];
  const approval = await askApproval(t('mgr.why_void', { name: l.name }));
  if (!approval) return openOverlay('line-panel');
  state.approval = approval;
  const cart = state.cart.slice();
  cart.splice(lineIndex, 1);
  const voided = state.voided.concat([{ sku: l.sku, qty: l.qty, reason }]);
  closeOverlay();
  setCart(cart);
  if (cart.length) state.voided = voided; // an empty cart starts over
  notice(t('line.void_done'));
}
