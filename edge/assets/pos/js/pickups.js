// Click & collect at the counter: the orders with a count badge, and a
// walk through received → picking → ready → collected. A prepaid order is
// handed over against its online payment; a pay-at-pickup order is paid
// here and becomes a sale. Only a ready order can be collected: the server
// refuses the others (409 pickup_not_ready) and the screen says why.
import { api, newKey } from './api.js';
import { money } from './cart.js';
import { $, h, row, table } from './dom.js';
import { fmtMoney, fmtQty, fmtTime, parseMoney } from './format.js';
import { t } from './i18n.js';
import { askApproval } from './manager.js';
import { receiptParts } from './payment.js';
import { PICKUP_POLL_MS, state } from './state.js';
import { busy, clearError, fieldError, notice, openOverlay, showError } from './ui.js';

const STATUSES = ['received', 'pending', 'picking', 'ready', 'collected', 'no_show', 'cancelled'];
const OPEN = ['received', 'pending', 'picking', 'ready'];
let filter = 'open';
let current = null; // the order on screen

function statusText(s) { return t('pick.status.' + (STATUSES.includes(s) ? s : 'other')); }

// The fields of an order, from the contract's view or an older server's.
function itemsOf(p) { return p.items || p.lines || []; }
function prepaid(p) { return p.prepaid != null ? p.prepaid : !!p.paid; }
function customerOf(p) { return p.customer || { name: p.name, phone: p.phone }; }

export function startPickupPoll() {
  stopPickupPoll();
  refreshBadge();
  state.pickupTimer = setInterval(refreshBadge, PICKUP_POLL_MS);
}

export function stopPickupPoll() {
  clearInterval(state.pickupTimer);
  state.pickupTimer = 0;
}

// refreshBadge counts the orders waiting for the cashier (received,
// picking, ready) on the bar's button.
export async function refreshBadge() {
  try {
    const page = await api('GET', '/api/v1/pickups', undefined, { quiet: true });
    setBadge(page);
  } catch (e) {
    $('pickups-badge').hidden = true;
  }
}

function waiting(page) {
  if (page.counts) return OPEN.reduce((n, s) => n + (page.counts[s] || 0), 0);
  return (page.items || []).filter((p) => OPEN.includes(p.status)).length;
}

function setBadge(page) {
  const n = waiting(page);
  $('pickups-badge').hidden = !n;
  $('pickups-badge').textContent = String(n);
  $('pickups-badge').setAttribute('aria-label', t('pick.waiting', { n }));
}

export async function openPickups() {
  clearError();
  current = null;
  $('pickup-detail').hidden = true;
  openOverlay('pickups-panel');
  await loadList();
}

function renderFilters() {
  $('pickup-filters').replaceChildren(...['open', 'ready', 'collected', 'all'].map((f) => h('button', {
    type: 'button', class: 'chip' + (f === filter ? ' on' : ''), text: t('pick.filter.' + f),
    onclick: () => { filter = f; loadList(); },
  })));
}

async function loadList() {
  renderFilters();
  try {
    const q = filter === 'ready' || filter === 'collected' ? '?status=' + filter : '';
    const page = await api('GET', '/api/v1/pickups' + q);
    if (!q) setBadge(page);
    let list = page.items || [];
    if (filter === 'open') list = list.filter((p) => OPEN.includes(p.status));
    renderList(list);
  } catch (e) {
    if (!e.handled) showError(e);
  }
}

function renderList(list) {
  const ul = $('pickup-list');
  if (!list.length) return ul.replaceChildren(h('li', { class: 'muted pad', text: t('pick.none') }));
  ul.replaceChildren(...list.map((p) => h('li', null, h('button', {
    type: 'button', class: 'result', data: { id: p.id }, onclick: () => openPickup(p.id),
  },
  h('span', { class: 'name' }, t('pick.order_no', { no: p.order_no || p.id }),
    h('small', { text: (customerOf(p).name || '') + ' · ' + fmtTime(p.created_at) })),
  h('span', { class: 'num' }, h('b', { text: fmtMoney(p.total) }),
    h('small', { class: 'status-' + p.status, text: statusText(p.status) + (prepaid(p) ? ' · ' + t('pick.prepaid') : '') }))))));
}

async function openPickup(id) {
  clearError();
  try {
    current = await api('GET', '/api/v1/pickups/' + encodeURIComponent(id));
    renderPickup();
  } catch (e) {
    if (!e.handled) showError(e);
  }
}

function actionButton(id, key, onclick, cls) {
  return h('button', { id, type: 'button', class: cls || 'big', text: t(key), onclick: (ev) => onclick(ev.currentTarget) });
}

function renderPickup() {
  const p = current;
  const c = customerOf(p);
  const box = $('pickup-detail');
  box.hidden = false;
  const acts = [];
  if (p.status === 'received' || p.status === 'pending') acts.push(actionButton('pickup-picking', 'pick.start_picking', (b) => move('picking', b), 'primary big'));
  if (p.status === 'received' || p.status === 'pending' || p.status === 'picking') acts.push(actionButton('pickup-ready', 'pick.mark_ready', (b) => move('ready', b), p.status === 'picking' ? 'primary big' : 'big'));
  if (OPEN.includes(p.status)) {
    acts.push(actionButton('pickup-collect', prepaid(p) ? 'pick.hand_over' : 'pick.take_payment', collect, p.status === 'ready' ? 'primary big' : 'big'));
    acts.push(actionButton('pickup-no-show', 'pick.no_show', (b) => managerMove('no-show', b)));
    acts.push(actionButton('pickup-cancel', 'pick.cancel', (b) => managerMove('cancel', b), 'big danger'));
  }
  box.replaceChildren(...[
    h('h3', null, t('pick.order_no', { no: p.order_no || p.id }), ' · ', h('span', { id: 'pickup-status', class: 'status-' + p.status, text: statusText(p.status) })),
    h('p', { class: 'muted', text: [c.name, c.phone, fmtTime(p.created_at)].filter(Boolean).join(' · ') }),
    h('table', { class: 'lines' }, h('tbody', null, itemsOf(p).map((it) => h('tr', null,
      h('td', null, it.name || it.sku, h('small', { text: fmtQty(it.unit || 'piece', it.qty) })),
      h('td', { class: 'num', text: it.amount || it.price ? fmtMoney(it.amount || it.price) : '' }))))),
    table(null, [row(t('report.total'), fmtMoney(p.total), 'strong'),
      row(t('pick.payment'), prepaid(p) ? t('pick.paid_online') : t('pick.pay_here'))]),
    prepaid(p) || !OPEN.includes(p.status) ? null : h('div', { class: 'row' },
      h('label', { class: 'grow' }, t('pay.tendered'), h('input', { id: 'pickup-cash', inputmode: 'decimal', placeholder: t('pay.exact') })),
      h('label', { class: 'grow' }, h('input', { id: 'pickup-by-card', type: 'checkbox' }), ' ', t('pay.card'))),
    h('div', { class: 'row' }, acts),
    h('div', { id: 'pickup-receipt', class: 'receipt', hidden: true }),
  ].filter(Boolean));
}

async function move(action, btn) {
  clearError();
  await busy(btn, async () => {
    try {
      current = await api('POST', '/api/v1/pickups/' + encodeURIComponent(current.id) + '/' + action);
      renderPickup();
      notice(t('pick.moved', { status: statusText(current.status) }));
      loadList();
    } catch (e) {
      if (!e.handled) showError(e);
    }
  });
}

// collect hands the order over. Pay-at-pickup sends the payment like a
// sale; the server answers with the sale it recorded.
async function collect(btn) {
  clearError();
  const p = current;
  let body = {};
  if (!prepaid(p)) {
    const byCard = $('pickup-by-card') && $('pickup-by-card').checked;
    const cashText = $('pickup-cash') ? $('pickup-cash').value : '';
    const cash = cashText.trim() ? parseMoney(cashText) : p.total.amount;
    if (cash === null || cash < p.total.amount) return showError(fieldError('payments', 'pay.cash_short', { due: fmtMoney(p.total) }), { payments: 'pickup-cash' });
    body = { payments: [{ method: byCard ? 'card' : 'cash', amount: money(byCard ? p.total.amount : cash) }] };
  }
  await busy(btn, async () => {
    try {
      const res = await api('POST', '/api/v1/pickups/' + encodeURIComponent(p.id) + '/collect', body, { key: newKey() });
      const sale = res && res.lines ? res : res && res.sale;
      current = (res && res.pickup) || Object.assign({}, p, { status: 'collected' });
      renderPickup();
      if (sale) {
        $('pickup-receipt').hidden = false;
        $('pickup-receipt').replaceChildren(h('h3', { text: t('receipt.title') + ' ' + sale.receipt_no }), ...receiptParts(sale));
      }
      notice(t('pick.collected'));
      loadList();
    } catch (e) {
      if (!e.handled) showError(e, { payments: 'pickup-cash' });
    }
  });
}

async function managerMove(action, btn) {
  clearError();
  const approval = await askApproval(t(action === 'cancel' ? 'mgr.why_cancel' : 'mgr.why_no_show', { no: current.order_no || current.id }));
  if (!approval) return;
  await busy(btn, async () => {
    try {
      current = await api('POST', '/api/v1/pickups/' + encodeURIComponent(current.id) + '/' + action, { approval });
      renderPickup();
      loadList();
    } catch (e) {
      if (!e.handled) showError(e);
    }
  });
}
