// The selling screen: scanning and searching products.
import { api } from './api.js';
import { addProduct, addScaleLabel, renderCart } from './cart.js';
import { openCustomerByCode } from './customer.js';
import { $, h } from './dom.js';
import { fmtMoney, fmtQty, perUnit } from './format.js';
import { t } from './i18n.js';
import { renderPending, renderReceipt } from './payment.js';
import { openProduct } from './product.js';
import { openReservationByCode } from './reservations.js';
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

// onScanInput searches as the cashier types a name. Scanner bursts never
// get here as typing: the scanner module takes them out of the box.
export function onScanInput() {
  clearTimeout(searchTimer);
  const q = $('scan').value.trim();
  if (q.length >= 2 && /\D/.test(q)) searchTimer = setTimeout(() => search(q), 250);
}

// onScan is Enter or Find in the scan box: a typed barcode or a search.
export async function onScan(ev) {
  ev.preventDefault();
  clearTimeout(searchTimer);
  clearError();
  const q = $('scan').value.trim();
  if (!q) return;
  if (/^\d+$/.test(q) && BARCODE_LENGTHS.includes(q.length)) {
    $('scan').value = '';
    return scanBarcode(q);
  }
  return search(q);
}

// onScanned takes what the scanner read on the selling screen: a product's
// barcode (or a shop scale's label), a reservation's code, or else a
// loyalty card or the customer app's QR.
export function onScanned(code) {
  clearError();
  if (/^\d+$/.test(code) && BARCODE_LENGTHS.includes(code.length)) return scanBarcode(code);
  if (/^\d{6}$/.test(code) || /^[a-z2-7]{20}$/.test(code)) return openReservationByCode(code);
  return openCustomerByCode(code);
}

export async function scanBarcode(code) {
  try {
    const p = await api('GET', '/api/v1/barcodes/' + encodeURIComponent(code));
    if (p.scale_label) return addScaleLabel(p, code);
    addProduct(p, true);
  } catch (e) {
    if (e.handled) return;
    if (e.status === 404) e.problem = { code: 'barcode_not_found', detail: e.problem.detail };
    showError(e, { ean: 'scan', '@barcode_not_found': 'scan' });
    $('error').textContent = t('sell.no_barcode', { code });
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

// pickResult puts a found product in the cart and starts a fresh query:
// the search text goes, so the next scan or name is a search of its own.
function pickResult(p) {
  clearTimeout(searchTimer);
  searchSeq++;
  $('scan').value = '';
  $('results').replaceChildren();
  addProduct(p, false);
  $('scan').focus();
}

export function renderResults(items, q) {
  const list = $('results');
  if (!items.length) {
    list.replaceChildren(h('li', { class: 'muted pad', text: t('sell.nothing_found', { q }) }));
    return;
  }
  list.replaceChildren(...items.map((p) => {
    const price = effectivePrice(p);
    const stock = p.stock ? t('sell.in_stock', { qty: fmtQty(p.unit, p.stock.available) }) : '';
    return h('li', { class: 'result-row' }, h('button', {
      type: 'button', class: 'result', disabled: !price, onclick: () => pickResult(p), data: { sku: p.sku },
    },
    h('span', { class: 'name' }, p.name),
    h('span', { class: 'num' },
      p.promo_price ? h('s', { class: 'muted', text: fmtMoney(p.price) }) : null, ' ',
      h('b', { text: price ? fmtMoney(price) + perUnit(p.unit) : t('sell.no_price') }),
      h('small', { class: p.stock && p.stock.available <= 0 ? 'bad' : 'muted', text: stock }))),
    h('button', { type: 'button', class: 'info', text: 'i', 'aria-label': t('prod.details'), onclick: () => openProduct(p.sku) }));
  }));
}
