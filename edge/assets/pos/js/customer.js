// The customer of a sale: found by loyalty card, the customer app's QR
// (both scanned) or a typed phone; or registered here. The sale carries
// the customer, and the server prices it with their personal discount.
import { api, newKey } from './api.js';
import { renderCart } from './cart.js';
import { $, h, isBlank } from './dom.js';
import { fmtMoney } from './format.js';
import { t } from './i18n.js';
import { state } from './state.js';
import { busy, clearError, closeOverlay, fieldError, notice, openOverlay, showError } from './ui.js';

export function customerRef() {
  const c = state.customer;
  return c.phone ? { phone: c.phone } : { card: c.card };
}

export function setCustomer(c) {
  state.customer = c;
  renderCustomer();
  renderCart();
}

// points is the balance the edge knows: central's plus this shop's own
// changes (points_balance), or central's alone from an older server.
function points(c) { return c.points_balance != null ? c.points_balance : c.loyalty_points || 0; }

function details(c) {
  const parts = [c.phone || c.card || ''];
  parts.push(t('cust.points', { n: points(c) }));
  if (c.point_value) parts.push(t('cust.points_worth', { amount: fmtMoney(points(c) * c.point_value) }));
  if (c.discount_percent) parts.push(t('cust.discount', { pct: c.discount_percent }));
  return parts.filter(Boolean).join(' · ');
}

export function renderCustomer() {
  const c = state.customer;
  $('customer-open').hidden = !!c;
  $('customer-info').hidden = !c;
  $('customer-clear').hidden = !c;
  if (!c) return;
  $('customer-name').textContent = c.name || t('cust.no_name');
  $('customer-tier').textContent = c.tier || '';
  $('customer-tier').hidden = !c.tier;
  $('customer-details').textContent = details(c);
}

export function openCustomerPanel() {
  clearError();
  $('customer-query').value = '';
  $('customer-found').hidden = true;
  $('customer-register').hidden = true;
  $('customer-register-open').hidden = false;
  openOverlay('customer-panel');
  $('customer-query').focus();
}

// lookupQuery turns what was typed or scanned into the lookup's query: a
// phone when it looks like one, the app's QR, or else a card.
function lookupQuery(v) {
  const digits = v.replace(/[\s()\-]/g, '');
  if (/^\+?\d{10,15}$/.test(digits) && (digits.startsWith('+') || /^[78]/.test(digits) || /^0/.test(digits))) {
    return 'phone=' + encodeURIComponent(digits);
  }
  // The chain app's QR is a signed customer token: base64url "." base64url.
  if (/^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,}$/.test(v)) return 'token=' + encodeURIComponent(v);
  return 'card=' + encodeURIComponent(v);
}

async function lookup(v) {
  try {
    const c = await api('GET', '/api/v1/customers/lookup?' + lookupQuery(v));
    showFound(c);
    return c;
  } catch (e) {
    if (e.handled) return null;
    if (e.status === 404) e.problem = Object.assign({}, e.problem, { code: 'customer_not_found' });
    showError(e, { phone: 'customer-query', card: 'customer-query', token: 'customer-query', '@customer_not_found': 'customer-query' });
    if (e.status === 404) offerRegister(v);
    return null;
  }
}

export async function onCustomerFind(ev) {
  ev.preventDefault();
  clearError();
  const v = $('customer-query').value.trim();
  if (!v) return showError(fieldError('phone', 'cust.need_query'), { phone: 'customer-query' });
  await busy($('customer-lookup'), () => lookup(v));
}

// openCustomerByCode takes a scanned card or app QR on the selling screen.
export async function openCustomerByCode(code) {
  openCustomerPanel();
  $('customer-query').value = code;
  await busy(null, () => lookup(code));
}

function showFound(c) {
  const box = $('customer-found');
  box.hidden = false;
  box.replaceChildren(
    h('p', null, h('b', { text: c.name || t('cust.no_name') }), c.tier ? h('span', { class: 'tier', text: c.tier }) : null),
    h('p', { class: 'muted', text: details(c) }),
    h('button', { id: 'customer-use', type: 'button', class: 'primary big', text: t('cust.use'), onclick: () => useCustomer(c) }));
  $('customer-use').focus();
}

function useCustomer(c) {
  setCustomer(c);
  closeOverlay();
  notice(t('cust.attached', { name: c.name || c.phone || c.card }));
  $('scan').focus();
}

function offerRegister(v) {
  const phone = /^[+\d][\d\s()\-]{6,}$/.test(v) ? v : '';
  openRegister(phone);
}

export function openRegister(phone) {
  $('customer-register').hidden = false;
  $('customer-register-open').hidden = true;
  $('reg-phone').value = phone || $('reg-phone').value;
  $('reg-name').value = '';
  $('reg-card').value = '';
  $('reg-consent').checked = false;
  (phone ? $('reg-name') : $('reg-phone')).focus();
}

const REG_FIELDS = { phone: 'reg-phone', name: 'reg-name', card: 'reg-card', '@conflict': 'reg-phone' };

export async function onRegister(ev) {
  ev.preventDefault();
  clearError();
  const body = {
    phone: $('reg-phone').value.trim(), name: $('reg-name').value.trim(),
    consent_messages: $('reg-consent').checked, language: state.lang,
  };
  if (!isBlank($('reg-card').value)) body.card = $('reg-card').value.trim();
  if (!body.phone) return showError(fieldError('phone', 'cust.need_phone'), REG_FIELDS);
  if (!body.name) return showError(fieldError('name', 'cust.need_name'), REG_FIELDS);
  await busy($('reg-submit'), async () => {
    try {
      const c = await api('POST', '/api/v1/customers', body, { key: newKey() });
      $('customer-register').hidden = true;
      notice(t('cust.registered', { name: c.name }));
      showFound(c);
    } catch (e) {
      if (!e.handled) showError(e, REG_FIELDS);
    }
  });
}
