// The cart: lines, weights and the running total (an estimate: the
// server prices the sale).
import { $, h, isBlank } from './dom.js';
import { divRound, fmtAmount, fmtGrams, fmtMoney, fmtQty, parseGrams, parseMoney } from './format.js';
import { startNewSale } from './payment.js';
import { effectivePrice } from './sale.js';
import { state } from './state.js';
import { KEYS, store } from './storage.js';
import { clearError, closeOverlay, fieldError, openOverlay, showError } from './ui.js';

export function money(amount) { return { amount, currency: state.currency }; }

export function divisor(unit) { return unit === 'gram' ? 1000 : 1; }

export function lineTotal(l) { return divRound(l.price, l.qty, divisor(l.unit)); }

export function cartTotal() { return state.cart.reduce((sum, l) => sum + lineTotal(l), 0); }

export function setCart(cart) {
  state.cart = cart;
  store.set(localStorage, KEYS.cart, cart.length ? cart : null);
  renderCart();
}

// cartLocked stops the cart from changing under a payment whose outcome
// is unknown: the cashier first retries it or discards it.
export function cartLocked() {
  if (!(state.pending && state.pending.unknown)) return false;
  showError(fieldError('', 'A payment is not confirmed yet: press Retry (it can never charge twice) or Discard.'));
  return true;
}

export function addProduct(p, fromScan) {
  clearError();
  if (cartLocked()) return;
  const price = effectivePrice(p);
  if (!price) return showError(fieldError('', p.name + ' has no price yet and cannot be sold.'));
  if (state.receipt) startNewSale();
  if (p.unit === 'gram') return openWeigh({ product: p, name: p.name, price: price.amount, index: -1 });
  const cart = state.cart.slice();
  const i = cart.findIndex((l) => l.sku === p.sku && l.unit !== 'gram');
  if (i >= 0) cart[i] = Object.assign({}, cart[i], { qty: cart[i].qty + 1 });
  else cart.push(lineOf(p, 1));
  setCart(cart);
  if (fromScan) $('scan').focus();
}

export function lineOf(p, qty) {
  return {
    sku: p.sku, name: p.name, unit: p.unit, qty,
    price: effectivePrice(p).amount, regular: p.price.amount,
    available: p.stock ? p.stock.available : null,
  };
}

// openWeigh asks for the grams of a weighed product. w.price is per kg;
// w.index is the cart line to change, or -1 for a new line of w.product.
export function openWeigh(w) {
  state.weigh = w;
  $('weight-name').textContent = w.name;
  $('weight-price').textContent = fmtMoney(w.price) + ' per kg';
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
  if (!g || g > 1000000) return showError(fieldError('qty', 'Enter the weight in grams (1 to 1 000 000), e.g. 350 or 0,35 kg.'), { qty: 'grams' });
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
    case 'weigh':
      // Re-weigh at the line's own price: the product is not refetched.
      return openWeigh({ name: l.name, price: l.price, index: i });
  }
  setCart(cart);
}

export function renderCart() {
  const list = $('cart');
  list.replaceChildren(...state.cart.map((l, i) => {
    const per = l.unit === 'gram' ? ' / kg' : '';
    const short = l.available != null && l.qty > l.available;
    return h('li', { class: 'line', data: { i: String(i), sku: l.sku } },
      h('span', { class: 'name' }, l.name,
        h('small', null,
          l.price < l.regular ? h('s', { text: fmtMoney(l.regular) }) : null, ' ',
          fmtMoney(l.price) + per,
          short ? h('span', { class: 'bad', text: ' · only ' + fmtQty(l.unit, l.available) + ' in stock' }) : null)),
      l.unit === 'gram'
        ? h('span', { class: 'qty' }, h('button', { type: 'button', data: { act: 'weigh' }, text: fmtGrams(l.qty), 'aria-label': 'Change weight' }))
        : h('span', { class: 'qty' },
          h('button', { type: 'button', data: { act: 'dec' }, text: '−', 'aria-label': 'One less' }),
          h('span', { class: 'n', text: String(l.qty) }),
          h('button', { type: 'button', data: { act: 'inc' }, text: '+', 'aria-label': 'One more' })),
      h('span', { class: 'num sum', text: fmtMoney(lineTotal(l)) }),
      h('button', { type: 'button', class: 'del', data: { act: 'del' }, text: '×', 'aria-label': 'Remove ' + l.name }));
  }));
  $('cart-empty').hidden = state.cart.length > 0 || !!state.receipt;
  renderTotals();
}

// renderTotals fills the big display: while selling, the running total
// (an estimate, priced by the server at payment) and the change the
// tendered cash would give; after a sale, the server's total and change.
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
  const tendered = parseMoney($('tendered').value);
  const card = $('card-part-box').hidden ? 0 : parseMoney($('card-part').value) || 0;
  const due = total - card;
  if (!state.cart.length || tendered === null || isBlank($('tendered').value)) {
    $('change').textContent = '—';
    $('change').className = 'money';
  } else if (tendered >= due) {
    $('change').textContent = fmtMoney(tendered - due);
    $('change').className = 'money';
  } else {
    $('change').textContent = 'short ' + fmtMoney(due - tendered);
    $('change').className = 'money bad';
  }
  renderQuickCash(due);
}

// renderQuickCash offers the notes a customer is likely to hand over.
export function renderQuickCash(due) {
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
