// The cart: lines, weights and the running total. The total is an estimate
// for the cashier, computed with the server's rules (personal discount on
// the unit price, then half-up rounding); the server prices the sale.
import { $, h, isBlank } from './dom.js';
import { divRound, fmtAmount, fmtGrams, fmtMoney, fmtQty, parseGrams, parseMoney, perUnit } from './format.js';
import { t } from './i18n.js';
import { openLineMenu } from './manager.js';
import { renderPointsBox, startNewSale } from './payment.js';
import { renderReservationInfo } from './reservations.js';
import { effectivePrice } from './sale.js';
import { state } from './state.js';
import { KEYS, store } from './storage.js';
import { clearError, closeOverlay, fieldError, openOverlay, showError } from './ui.js';

export function money(amount) { return { amount, currency: state.currency }; }

export function divisor(unit) { return unit === 'gram' ? 1000 : 1; }

// unitPrice is a line's price per unit as the server will charge it: a
// manager's override, or the shelf price less the personal discount.
export function unitPrice(l) {
  if (l.price_override != null) return l.price_override;
  const pct = state.customer ? Math.min(Number(state.customer.discount_percent) || 0, 100) : 0;
  return pct > 0 ? l.price - divRound(l.price, pct, 100) : l.price;
}

export function lineTotal(l) { return divRound(unitPrice(l), l.qty, divisor(l.unit)); }

export function cartTotal() { return state.cart.reduce((sum, l) => sum + lineTotal(l), 0); }

export function setCart(cart) {
  state.cart = cart;
  store.set(localStorage, KEYS.cart, cart.length ? cart : null);
  if (!cart.length) {
    state.voided = [];
    state.approval = null;
    state.reservation = null;
  }
  renderCart();
}

// cartLocked stops the cart from changing under a payment whose outcome
// is unknown: the cashier first retries it or discards it.
export function cartLocked() {
  if (!(state.pending && state.pending.unknown)) return false;
  showError(fieldError('', 'pay.unconfirmed_locked'));
  return true;
}

// addProduct puts a product in the cart: a piece goes on (or adds to) its
// line, a weighed product first asks for the weight.
export function addProduct(p, fromScan) {
  clearError();
  if (cartLocked()) return;
  const price = effectivePrice(p);
  if (!price) return showError(fieldError('', 'sell.no_price_sale', { name: p.name }));
  if (state.receipt) startNewSale();
  if (p.unit === 'gram') return openWeigh({ product: p, name: p.name, price: price.amount, index: -1 });
  const cart = state.cart.slice();
  const i = cart.findIndex((l) => l.sku === p.sku && l.unit !== 'gram' && !l.barcode && l.price_override == null);
  if (i >= 0) cart[i] = Object.assign({}, cart[i], { qty: cart[i].qty + 1 });
  else cart.push(lineOf(p, 1));
  setCart(cart);
  if (fromScan) $('scan').focus();
}

// addScaleLabel adds the line of a shop scale's label: the weight (or
// count) comes from the barcode, which the sale sends as it is.
export function addScaleLabel(p, code) {
  clearError();
  if (cartLocked()) return;
  if (state.receipt) startNewSale();
  const l = lineOf(p, p.scale_label.qty);
  l.unit = p.scale_label.unit || p.unit;
  l.barcode = code;
  setCart(state.cart.concat([l]));
}

export function lineOf(p, qty) {
  const price = effectivePrice(p);
  return {
    sku: p.sku, name: p.name, unit: p.unit, qty,
    price: price.amount, regular: p.price.amount,
    available: p.stock ? p.stock.available : null,
  };
}

// openWeigh asks for the grams of a weighed product. w.price is per kg;
// w.index is the cart line to change, or -1 for a new line of w.product.
export function openWeigh(w) {
  state.weigh = w;
  $('weight-name').textContent = w.name;
  $('weight-price').textContent = fmtMoney(w.price) + perUnit('gram');
  $('grams').value = w.index >= 0 ? String(state.cart[w.index].qty) : '';
  openOverlay('weight-dialog');
  onGramsInput();
  $('grams').focus();
}

export function onGramsInput() {
  const g = parseGrams($('grams').value);
  const w = state.weigh;
  $('weight-total').textContent = g && w ? fmtGrams(g) + ' = ' + fmtMoney(divRound(w.price, g, 1000)) : '—';
}

export function onWeighOk(ev) {
  ev.preventDefault();
  clearError();
  const g = parseGrams($('grams').value);
  if (!g || g > 1000000) return showError(fieldError('qty', 'weigh.need_grams'), { qty: 'grams' });
  const w = state.weigh;
  const cart = state.cart.slice();
  if (w.index >= 0) cart[w.index] = Object.assign({}, cart[w.index], { qty: g });
  else cart.push(lineOf(w.product, g));
  closeOverlay();
  setCart(cart);
  $('scan').focus();
}

export function onCartClick(ev) {
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
    case 'menu': return openLineMenu(i);
    case 'weigh':
      // Re-weigh at the line's own price: the product is not refetched.
      return openWeigh({ name: l.name, price: l.price, index: i });
  }
  setCart(cart);
}

function lineNote(l) {
  const short = l.available != null && l.qty > l.available;
  return h('small', null,
    unitPrice(l) < l.regular ? h('s', { text: fmtMoney(l.regular) }) : null, ' ',
    fmtMoney(unitPrice(l)) + perUnit(l.unit),
    l.price_override != null ? h('span', { class: 'warn', text: ' · ' + t('line.overridden') }) : null,
    short ? h('span', { class: 'bad', text: ' · ' + t('cart.only_in_stock', { qty: fmtQty(l.unit, l.available) }) }) : null);
}

function lineQty(l) {
  if (l.barcode) return h('span', { class: 'qty' }, h('span', { class: 'n', text: fmtQty(l.unit, l.qty) }));
  if (l.unit === 'gram') {
    return h('span', { class: 'qty' }, h('button', { type: 'button', data: { act: 'weigh' }, text: fmtGrams(l.qty), 'aria-label': t('cart.change_weight') }));
  }
  return h('span', { class: 'qty' },
    h('button', { type: 'button', data: { act: 'dec' }, text: '−', 'aria-label': t('cart.one_less') }),
    h('span', { class: 'n', text: String(l.qty) }),
    h('button', { type: 'button', data: { act: 'inc' }, text: '+', 'aria-label': t('cart.one_more') }));
}

export function renderCart() {
  const list = $('cart');
  list.replaceChildren(...state.cart.map((l, i) => h('li', { class: 'line', data: { i: String(i), sku: l.sku } },
    h('span', { class: 'name' }, l.name, lineNote(l)),
    lineQty(l),
    h('span', { class: 'num sum', text: fmtMoney(lineTotal(l)) }),
    h('button', { type: 'button', class: 'menu', data: { act: 'menu' }, text: '⋯', 'aria-label': t('line.menu', { name: l.name }) }),
    h('button', { type: 'button', class: 'del', data: { act: 'del' }, text: '×', 'aria-label': t('cart.remove', { name: l.name }) }))));
  $('cart-empty').hidden = state.cart.length > 0 || !!state.receipt;
  const pieces = state.cart.length;
  $('cart-count').hidden = !pieces || !!state.receipt;
  $('cart-count').textContent = t('cart.items', { n: pieces });
  renderReservationInfo();
  renderTotals();
}

// renderTotals fills the big display: while selling, the running total
// and the change the tendered cash would give; after a sale, the server's
// total and change.
export function renderTotals() {
  const r = state.receipt;
  if (r) {
    $('total').textContent = fmtMoney(r.total);
    $('change').textContent = fmtMoney(r.change);
    $('change').className = 'money';
    return;
  }
  const total = cartTotal();
  $('total').textContent = fmtMoney(total);
  renderPointsBox(total);
  const tendered = parseMoney($('tendered').value);
  const card = $('card-part-box').hidden ? 0 : parseMoney($('card-part').value) || 0;
  const points = $('points-box').hidden ? 0 : parseMoney($('points-part').value) || 0;
  const due = total - card - points;
  if (!state.cart.length || tendered === null || isBlank($('tendered').value)) {
    $('change').textContent = '—';
    $('change').className = 'money';
  } else if (tendered >= due) {
    $('change').textContent = fmtMoney(tendered - due);
    $('change').className = 'money';
  } else {
    $('change').textContent = t('pay.short', { amount: fmtMoney(due - tendered) });
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
