// A product's card at the till: its price, stock here and in other shops
// (with how old each figure is), and the endless aisle: when the goods are
// not here, the cashier orders them to this shop for the customer.
import { api, newKey } from './api.js';
import { addProduct } from './cart.js';
import { customerRef } from './customer.js';
import { $, h } from './dom.js';
import { fmtAge, fmtMoney, fmtQty, perUnit } from './format.js';
import { t } from './i18n.js';
import { effectivePrice } from './sale.js';
import { state } from './state.js';
import { busy, clearError, closeOverlay, fieldError, notice, openOverlay, showError } from './ui.js';

let product = null;

export async function openProduct(sku) {
  clearError();
  try {
    product = await api('GET', '/api/v1/products/' + encodeURIComponent(sku));
    renderProduct();
    openOverlay('product-panel');
  } catch (e) {
    if (!e.handled) showError(e);
  }
}

function renderProduct() {
  const p = product;
  const price = effectivePrice(p);
  $('product-name').textContent = p.name;
  $('product-price').textContent = price ? fmtMoney(price) + perUnit(p.unit) : t('sell.no_price');
  const here = p.stock ? p.stock.available : 0;
  $('product-stock').textContent = t('prod.here', { qty: fmtQty(p.unit, here) });
  $('product-stock').className = here > 0 ? 'good' : 'bad';
  const others = p.stock_elsewhere || [];
  $('product-elsewhere').replaceChildren(...(others.length ? others.map((s) => h('li', { class: 'pad' },
    h('b', { text: s.store_name || s.store }), ' — ', fmtQty(p.unit, s.available),
    h('small', { class: 'muted', text: t('prod.as_of', { age: fmtAge(s.age_s) }) }))) : [h('li', { class: 'muted pad', text: t('prod.elsewhere_none') })]));
  $('product-add').disabled = !price;
  $('order-qty').value = '1';
}

export function onProductAdd() {
  closeOverlay();
  addProduct(product, false);
}

// onOrder places an endless-aisle order for the sale's customer.
export async function onOrder() {
  clearError();
  if (!state.customer) return showError(fieldError('customer', 'prod.need_customer'));
  const qty = Number($('order-qty').value.trim());
  if (!Number.isInteger(qty) || qty < 1 || qty > 1000) return showError(fieldError('qty', 'prod.need_qty'), { qty: 'order-qty' });
  const body = { sku: product.sku, qty, customer: customerRef() };
  if (state.customer.name) body.name = state.customer.name;
  await busy($('order-submit'), async () => {
    try {
      await api('POST', '/api/v1/orders', body, { key: newKey() });
      closeOverlay();
      notice(t('prod.ordered', { name: product.name }));
    } catch (e) {
      if (!e.handled) showError(e, { qty: 'order-qty' });
    }
  });
}
