// Reservations at the till: a shopper's pickup QR or its 6-digit short
// code fills the cart with the reserved goods, and the sale completes the
// reservation. Selling into stock reserved for someone else needs the code
// or a manager's approval (409 reserved_stock).
import { api } from './api.js';
import { lineOf, setCart } from './cart.js';
import { $, h } from './dom.js';
import { fmtQty, fmtTime } from './format.js';
import { t } from './i18n.js';
import { askApproval } from './manager.js';
import { startNewSale } from './payment.js';
import { state } from './state.js';
import { busy, clearError, closeOverlay, fieldError, notice, openOverlay, showError } from './ui.js';

export function openReservationPanel() {
  clearError();
  $('reservation-code').value = '';
  $('reservation-found').hidden = true;
  openOverlay('reservation-panel');
  $('reservation-code').focus();
}

// openReservationByCode takes a scanned pickup QR or short code.
export async function openReservationByCode(code) {
  openReservationPanel();
  $('reservation-code').value = code;
  await busy(null, () => loadReservation(code));
}

export async function onReservationFind(ev) {
  ev.preventDefault();
  clearError();
  const code = $('reservation-code').value.trim().toLowerCase();
  if (!code) return showError(fieldError('code', 'res.need_code'), { code: 'reservation-code' });
  await busy($('reservation-load'), () => loadReservation(code));
}

// items lists a reservation's goods: items[] from the till's view, or the
// one SKU of an older server's.
function items(r) {
  return r.items && r.items.length ? r.items : [{ sku: r.sku, name: r.name, qty: r.qty, unit: r.unit }];
}

async function loadReservation(code) {
  try {
    const r = await api('GET', '/api/v1/reservations/' + encodeURIComponent(code));
    showReservation(r);
  } catch (e) {
    if (e.handled) return;
    if (e.status === 404) e.problem = Object.assign({}, e.problem, { code: 'reservation_not_found' });
    showError(e, { code: 'reservation-code', '@reservation_not_found': 'reservation-code' });
  }
}

function showReservation(r) {
  const box = $('reservation-found');
  box.hidden = false;
  const active = r.status === 'active';
  box.replaceChildren(
    h('p', null, h('b', { text: t('res.code_is', { code: r.short_code || r.code }) }), ' · ',
      h('span', { class: active ? 'good' : 'bad', text: t('res.status.' + (['active', 'fulfilled', 'expired', 'cancelled'].includes(r.status) ? r.status : 'other')) })),
    h('ul', { class: 'list' }, items(r).map((it) => h('li', { class: 'pad' }, it.name || it.sku, ' — ', fmtQty(it.unit || 'piece', it.qty)))),
    h('p', { class: 'muted', text: t('res.until', { at: fmtTime(r.expires_at) }) }),
    active ? h('button', { id: 'reservation-fill', type: 'button', class: 'primary big', text: t('res.fill'), onclick: () => fillCart(r) }) : null);
  if (active) $('reservation-fill').focus();
}

// fillCart puts the reserved goods in the cart at today's prices (the
// server prices the sale) and remembers the code for the sale.
async function fillCart(r) {
  await busy($('reservation-fill'), async () => {
    try {
      if (state.receipt) startNewSale();
      const cart = state.cart.slice();
      for (const it of items(r)) {
        const p = await api('GET', '/api/v1/products/' + encodeURIComponent(it.sku));
        cart.push(lineOf(p, it.qty));
      }
      setCart(cart);
      state.reservation = { code: r.code, short_code: r.short_code };
      renderReservationInfo();
      closeOverlay();
      notice(t('res.filled'));
    } catch (e) {
      if (!e.handled) showError(e);
    }
  });
}

export function renderReservationInfo() {
  const box = $('reservation-info');
  const r = state.reservation;
  box.hidden = !r || !!state.receipt;
  box.textContent = r ? t('res.in_cart', { code: r.short_code || r.code }) : '';
}

let reservedRetry = null;

// askReservedStock explains a 409 reserved_stock and offers the two ways
// on: the shopper's code, or a manager's approval. retry(extra) sends the
// sale again with {reservation_code} or {approval}.
export function askReservedStock(problem, retry) {
  const d = problem.data || {};
  const line = state.cart.find((l) => l.sku === d.sku);
  $('reserved-text').textContent = t('reserved.text', {
    name: line ? line.name : d.sku || '', free: fmtQty(d.unit || (line && line.unit) || 'piece', d.free || 0),
    requested: fmtQty(d.unit || (line && line.unit) || 'piece', d.requested || 0),
  });
  $('reserved-code').value = '';
  reservedRetry = retry;
  openOverlay('reserved-panel');
  $('reserved-code').focus();
}

export function onReservedCode(ev) {
  ev.preventDefault();
  const code = $('reserved-code').value.trim().toLowerCase();
  if (!code) return showError(fieldError('reservation_code', 'res.need_code'), { reservation_code: 'reserved-code' });
  state.reservation = { code, short_code: code };
  closeOverlay();
  reservedRetry({ reservation_code: code });
}

export async function onReservedApprove() {
  const d = state.cart.length ? $('reserved-text').textContent : '';
  const approval = await askApproval(d);
  if (!approval) return;
  closeOverlay();
  state.approval = approval;
  reservedRetry({ approval });
}
