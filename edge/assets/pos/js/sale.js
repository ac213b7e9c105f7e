// The selling screen: scanning and searching products.
import { api } from './api.js';
import { addProduct, renderCart } from './cart.js';
import { $, h } from './dom.js';
import { fmtMoney, fmtQty } from './format.js';
import { renderPending, renderReceipt } from './payment.js';
import { BARCODE_LENGTHS } from './state.js';
import { clearError, showError, showView } from './ui.js';

export function showSell() {
  showView('sell');
  renderCart();
  renderReceipt();
  renderPending();
  $('scan').focus();
}

let searchTimer = 0;

export function onScanInput() {
  clearTimeout(searchTimer);
  const q = $('scan').value.trim();
  // Scanners type digits fast and end with Enter; search as you type only
  // for names, so a scan does not fire half a dozen searches.
  if (q.length >= 2 && /\D/.test(q)) searchTimer = setTimeout(() => search(q), 250);
}

export async function onScan(ev) {
  ev.preventDefault();
  clearTimeout(searchTimer);
  clearError();
  const q = $('scan').value.trim();
  if (!q) return;
  if (/^\d+$/.test(q) && BARCODE_LENGTHS.includes(q.length)) return scanBarcode(q);
  return search(q);
}

export async function scanBarcode(code) {
  try {
    const p = await api('GET', '/api/v1/barcodes/' + code);
    $('scan').value = '';
    addProduct(p, true);
  } catch (e) {
    if (e.handled) return;
    if (e.status === 404) e.problem.detail = 'No product has the barcode ' + code + '.';
    showError(e, { ean: 'scan', '@not_found': 'scan' });
    $('scan').select();
  }
}

let searchSeq = 0;

export async function search(q) {
  const seq = ++searchSeq; // only the newest search may paint the list
  try {
    const page = await api('GET', '/api/v1/products?limit=20&q=' + encodeURIComponent(q));
    if (seq === searchSeq) renderResults(page.items || [], q);
  } catch (e) {
    if (!e.handled && seq === searchSeq) showError(e, { q: 'scan' });
  }
}

export function effectivePrice(p) { return p.promo_price || p.price; }

export function renderResults(items, q) {
  const list = $('results');
  if (!items.length) {
    list.replaceChildren(h('li', { class: 'muted pad', text: 'Nothing found for “' + q + '”.' }));
    return;
  }
  list.replaceChildren(...items.map((p) => {
    const price = effectivePrice(p);
    const per = p.unit === 'gram' ? ' / kg' : '';
    const stock = p.stock ? fmtQty(p.unit, p.stock.available) + ' in stock' : '';
    return h('li', null, h('button', {
      type: 'button', class: 'result', disabled: !price, onclick: () => addProduct(p, false),
    },
    h('span', { class: 'name' }, p.name, p.name_en ? h('small', { text: p.name_en }) : null),
    h('span', { class: 'num' },
      p.promo_price ? h('s', { class: 'muted', text: fmtMoney(p.price) }) : null, ' ',
      h('b', { text: price ? fmtMoney(price) + per : 'no price' }),
      h('small', { class: p.stock && p.stock.available <= 0 ? 'bad' : 'muted', text: stock }))));
  }));
}

// addProduct puts a product in the cart: a piece goes on (or adds to) its
// line, a weighed product first asks for the weight.
