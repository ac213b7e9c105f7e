// Returns against a receipt.
import { api, keyFor, unknownOutcome } from './api.js';
import { $, h, row, table } from './dom.js';
import { fmtMoney, fmtQty, fmtTime } from './format.js';
import { t } from './i18n.js';
import { state } from './state.js';
import { busy, clearError, fieldError, notice, openOverlay, showError } from './ui.js';

export async function openReturn() {
  clearError();
  state.returnSale = null;
  $('return-sale-id').value = '';
  $('return-sale').hidden = true;
  $('return-receipt').hidden = true;
  $('recent-sales').replaceChildren(h('li', { class: 'muted pad', text: t('ret.loading') }));
  openOverlay('return-panel');
  $('return-sale-id').focus();
  try {
    state.recent = await recentSales();
    renderRecent();
  } catch (e) {
    $('recent-sales').replaceChildren();
    if (!e.handled) showError(e);
  }
}

// recentSales pages through this shift's sales (oldest first on the
// server) and keeps the last 20, newest first.
export async function recentSales() {
  let all = [];
  let cursor = '';
  for (let pages = 0; pages < 20; pages++) {
    const q = '/api/v1/sales?limit=500&shift=' + encodeURIComponent(state.shift.id) + (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
    const page = await api('GET', q);
    all = all.concat(page.items || []).slice(-20);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return all.reverse();
}

export function renderRecent() {
  const list = $('recent-sales');
  if (!state.recent.length) return list.replaceChildren(h('li', { class: 'muted pad', text: t('ret.no_sales') }));
  list.replaceChildren(...state.recent.map((s) => h('li', null, h('button', {
    type: 'button', class: 'result', onclick: () => { $('return-receipt').hidden = true; loadReturnSale(s.id); },
  }, h('span', { class: 'name', text: t('ret.receipt_no', { no: s.receipt_no }) + ' · ' + fmtTime(s.created_at) }),
  h('b', { class: 'num', text: fmtMoney(s.total) })))));
}

export async function onReturnFind(ev) {
  ev.preventDefault();
  clearError();
  const v = $('return-sale-id').value.trim();
  if (!v) return showError(fieldError('id', 'ret.need_id'), { id: 'return-sale-id' });
  // A short number is a receipt number of this shift.
  const byNo = /^\d{1,9}$/.test(v) && state.recent.find((s) => String(s.receipt_no) === v);
  $('return-receipt').hidden = true;
  await loadReturnSale(byNo ? byNo.id : v);
}

export async function loadReturnSale(id) {
  clearError();
  try {
    const sale = await api('GET', '/api/v1/sales/' + encodeURIComponent(id));
    state.returnSale = sale;
    renderReturnSale();
  } catch (e) {
    if (e.handled) return;
    if (e.status === 404) e.problem = { code: 'sale_not_found', field: 'id', detail: e.problem.detail };
    showError(e, { id: 'return-sale-id', '@sale_not_found': 'return-sale-id' });
  }
}

export function renderReturnSale() {
  const s = state.returnSale;
  $('return-sale').hidden = false;
  $('return-sale-info').textContent = t('ret.receipt_no', { no: s.receipt_no }) + ' · ' + fmtTime(s.created_at) + ' · ' + fmtMoney(s.total);
  $('return-lines').replaceChildren(...s.lines.map((l, i) => {
    const left = l.qty - (l.returned_qty || 0);
    const input = h('input', {
      id: 'return-qty-' + i, inputmode: 'numeric', value: '0', disabled: left <= 0,
      'aria-label': t(l.unit === 'gram' ? 'ret.qty_label_g' : 'ret.qty_label', { name: l.name }),
    });
    return h('li', { class: 'line', data: { sku: l.sku, i: String(i) } },
      h('span', { class: 'name' }, l.name, h('small', {
        text: t('ret.sold', { qty: fmtQty(l.unit, l.qty), total: fmtMoney(l.total) }) +
          (l.returned_qty ? ' · ' + t('ret.returned', { qty: fmtQty(l.unit, l.returned_qty) }) : ''),
      })),
      h('span', { class: 'qty' }, input, l.unit === 'gram' ? ' ' + t('unit.g_short') : ''),
      h('button', { type: 'button', disabled: left <= 0, text: t('ret.all'), onclick: () => { input.value = String(left); } }));
  }));
}

// returnLines reads the quantities to return, summed per SKU (the server
// takes a SKU from the first sale line that has some left).
export function returnLines() {
  const s = state.returnSale;
  const bySku = new Map();
  s.lines.forEach((l, i) => {
    const input = $('return-qty-' + i);
    const text = input.value.trim() || '0';
    const left = l.qty - (l.returned_qty || 0);
    if (!/^\d{1,7}$/.test(text) || Number(text) > left) {
      throw Object.assign(fieldError('qty', 'ret.qty_range', { max: fmtQty(l.unit, left), name: l.name }), { input });
    }
    if (Number(text) > 0) bySku.set(l.sku, (bySku.get(l.sku) || 0) + Number(text));
  });
  if (!bySku.size) throw fieldError('qty', 'ret.need_qty');
  return Array.from(bySku, ([sku, qty]) => ({ sku, qty }));
}

export async function onReturnSubmit() {
  clearError();
  const s = state.returnSale;
  let lines;
  try {
    lines = returnLines();
  } catch (e) {
    return showError(e, { qty: () => e.input || $('return-lines') });
  }
  const body = JSON.stringify({ lines });
  const fields = { lines: (f) => returnLineElement(lines, f) };
  const p = state.returnPending && state.returnPending.saleId === s.id ? state.returnPending : null;
  state.returnPending = { key: keyFor(p, body), body, saleId: s.id, unknown: false };
  await busy($('return-submit'), async () => {
    try {
      const ret = await api('POST', '/api/v1/sales/' + encodeURIComponent(s.id) + '/returns', body, { key: state.returnPending.key });
      state.returnPending = null;
      renderReturnReceipt(ret);
      loadReturnSale(s.id); // fresh returned quantities
    } catch (e) {
      if (e.handled) return;
      if (unknownOutcome(e)) {
        state.returnPending.unknown = true;
        return showError(fieldError('', 'ret.not_confirmed'));
      }
      showError(e, fields);
    }
  });
}

export function returnLineElement(lines, field) {
  const m = /^lines\[(\d+)\]/.exec(field);
  const sku = m && lines[Number(m[1])] && lines[Number(m[1])].sku;
  const li = sku && $('return-lines').querySelector('li[data-sku="' + CSS.escape(sku) + '"] input:not([disabled])');
  return li || $('return-lines');
}

// unitOf finds a returned SKU's unit on the sale (a return line has none).
export function unitOf(sku) {
  const l = (state.returnSale && state.returnSale.lines.find((x) => x.sku === sku)) || state.noReceipt.find((x) => x.sku === sku);
  return l ? l.unit : 'piece';
}

export function renderReturnReceipt(ret, boxId) {
  const box = $(boxId || 'return-receipt');
  box.replaceChildren(
    h('h3', { text: t('ret.receipt_title', { no: ret.receipt_no }) }),
    h('table', { class: 'lines' }, h('tbody', null, ret.lines.map((l) => h('tr', null,
      h('td', null, l.name, h('small', { text: fmtQty(unitOf(l.sku), l.qty) })),
      h('td', { class: 'num', text: fmtMoney(l.amount) }))))),
    table(null, [
      row(t('ret.total'), fmtMoney(ret.total), 'strong'),
      ...(ret.vat || []).map((v) => row(t('ret.vat', { rate: v.rate }), fmtMoney(v.vat))),
      ...(ret.refunds || []).filter((p) => p.amount.amount > 0).map((p) =>
        row(t(p.method === 'card' ? 'ret.refund_to_card' : 'ret.refund_in_cash'), fmtMoney(p.amount), 'strong')),
    ]));
  box.hidden = false;
  notice(t('ret.recorded'));
}
