// A return without a receipt: the goods are scanned or searched, the
// refund is at today's price, and a manager approves it with their PIN
// (POST /api/v1/returns; the server records who approved).
import { api, keyFor, unknownOutcome } from './api.js';
import { $, h } from './dom.js';
import { fmtMoney, fmtQty } from './format.js';
import { t } from './i18n.js';
import { askApproval } from './manager.js';
import { renderReturnReceipt } from './returns.js';
import { effectivePrice } from './sale.js';
import { BARCODE_LENGTHS, state } from './state.js';
import { busy, clearError, fieldError, openOverlay, showError } from './ui.js';

let pending = null; // {key, body, unknown}

export function openNoReceipt() {
  clearError();
  state.noReceipt = [];
  pending = null;
  $('noreceipt-scan').value = '';
  $('noreceipt-reason').value = '';
  $('noreceipt-results').replaceChildren();
  $('noreceipt-receipt').hidden = true;
  renderLines();
  openOverlay('noreceipt-panel');
  $('noreceipt-scan').focus();
}

export async function onNoReceiptFind(ev) {
  ev.preventDefault();
  clearError();
  const q = $('noreceipt-scan').value.trim();
  if (q) await findGoods(q);
}

// onNoReceiptScanned takes a scanned barcode while the panel is open.
export function onNoReceiptScanned(code) { return findGoods(code); }

async function findGoods(q) {
  try {
    if (/^\d+$/.test(q) && BARCODE_LENGTHS.includes(q.length)) {
      addLine(await api('GET', '/api/v1/barcodes/' + encodeURIComponent(q)));
      return;
    }
    const page = await api('GET', '/api/v1/products?limit=10&q=' + encodeURIComponent(q));
    const items = page.items || [];
    $('noreceipt-results').replaceChildren(...(items.length ? items.map((p) => h('li', null, h('button', {
      type: 'button', class: 'result', onclick: () => addLine(p),
    }, h('span', { class: 'name', text: p.name }), h('b', { class: 'num', text: effectivePrice(p) ? fmtMoney(effectivePrice(p)) : '' })))) : [h('li', { class: 'muted pad', text: t('sell.nothing_found', { q }) })]));
  } catch (e) {
    if (e.handled) return;
    if (e.status === 404) e.problem = Object.assign({}, e.problem, { code: 'barcode_not_found' });
    showError(e, { '@barcode_not_found': 'noreceipt-scan' });
  }
}

function addLine(p) {
  $('noreceipt-scan').value = '';
  $('noreceipt-results').replaceChildren();
  const lines = state.noReceipt.slice();
  const i = lines.findIndex((l) => l.sku === p.sku);
  const step = p.unit === 'gram' ? 1000 : 1;
  if (i >= 0) lines[i] = Object.assign({}, lines[i], { qty: lines[i].qty + step });
  else lines.push({ sku: p.sku, name: p.name, unit: p.unit, qty: step, price: effectivePrice(p) });
  state.noReceipt = lines;
  renderLines();
  $('noreceipt-scan').focus();
}

function renderLines() {
  $('noreceipt-lines').replaceChildren(...state.noReceipt.map((l, i) => h('li', { class: 'line' },
    h('span', { class: 'name' }, l.name, h('small', { text: l.price ? fmtMoney(l.price) : '' })),
    h('span', { class: 'qty', text: fmtQty(l.unit, l.qty) }),
    h('button', { type: 'button', class: 'del', text: '×', 'aria-label': t('cart.remove', { name: l.name }), onclick: () => {
      state.noReceipt = state.noReceipt.filter((_, j) => j !== i);
      renderLines();
    } }))));
  $('noreceipt-submit').disabled = !state.noReceipt.length;
}

export async function onNoReceiptSubmit() {
  clearError();
  if (!state.noReceipt.length) return showError(fieldError('lines', 'ret.need_goods'), { lines: 'noreceipt-scan' });
  const reason = $('noreceipt-reason').value.trim();
  if (!reason) return showError(fieldError('reason', 'line.need_reason'), { reason: 'noreceipt-reason' });
  const method = document.querySelector('input[name=refund-method]:checked').value;
  const approval = await askApproval(t('mgr.why_return'));
  if (!approval) return;
  const body = JSON.stringify({ lines: state.noReceipt.map((l) => ({ sku: l.sku, qty: l.qty })), reason, refund_method: method, approval });
  pending = { key: keyFor(pending, body), body, unknown: false };
  await busy($('noreceipt-submit'), async () => {
    try {
      const ret = await api('POST', '/api/v1/returns', body, { key: pending.key });
      pending = null;
      renderReturnReceipt(ret, 'noreceipt-receipt');
      state.noReceipt = [];
      renderLines();
    } catch (e) {
      if (e.handled) return;
      if (unknownOutcome(e)) {
        pending.unknown = true;
        return showError(fieldError('', 'ret.not_confirmed'));
      }
      showError(e, { lines: 'noreceipt-lines', reason: 'noreceipt-reason', '@forbidden': 'noreceipt-submit' });
    }
  });
}
