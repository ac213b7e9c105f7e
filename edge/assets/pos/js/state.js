// The screen's state, shared by every module.

export const TIMEOUT_MS = 20000;
export const SYNC_POLL_MS = 30000;
export const BARCODE_LENGTHS = [8, 12, 13];

export const state = {
  session: null, // login response: token, expires_at, cashier, terminal
  shift: null, // the open shift of this till
  currency: 'RUB',
  cart: [], // {sku, name, unit, price, regular, qty, available}
  receipt: null, // the last sale, while its receipt is on screen
  pending: null, // {key, body, unknown}: the sale being paid
  payMode: 'cash', // which tender the last pay button chose
  weigh: null, // {product, name, price, index}: the weight being entered
  returnSale: null, // the sale loaded in the return panel
  returnPending: null, // {key, body, unknown} of the return being sent
  recent: [], // last receipts of the shift, newest first
  busy: false,
  syncTimer: 0,
};
