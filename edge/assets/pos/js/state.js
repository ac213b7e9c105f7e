// The screen's state, shared by every module.

export const TIMEOUT_MS = 20000;
export const SYNC_POLL_MS = 5000; // a cashier sees within seconds that the office is out of reach
export const PICKUP_POLL_MS = 60000;
export const BARCODE_LENGTHS = [8, 12, 13];

export const state = {
  config: { language: 'ru', timezone: 'Europe/Moscow', currency: 'RUB', scanner_gap_ms: 50, scanner_min_length: 6 },
  lang: 'ru',
  session: null, // login response: token, expires_at, cashier, terminal
  shift: null, // the open shift of this till
  currency: 'RUB',
  cart: [], // {sku, name, unit, price, regular, qty, available, price_override?, reason?}
  voided: [], // {sku, qty, reason}: lines voided with a manager's approval
  approval: null, // {cashier, pin}: the manager's approval of this sale's overrides and voids
  customer: null, // the customer of this sale (lookup view)
  reservation: null, // {code, short_code}: the reservation this sale collects
  receipt: null, // the last sale, while its receipt is on screen
  pending: null, // {key, body, unknown}: the sale being paid
  payMode: 'cash', // which tender the last pay button chose
  weigh: null, // {product, name, price, index}: the weight being entered
  returnSale: null, // the sale loaded in the return panel
  returnPending: null, // {key, body, unknown} of the return being sent
  noReceipt: [], // lines of a return without a receipt
  recent: [], // last receipts of the shift, newest first
  busy: false,
  syncTimer: 0,
  pickupTimer: 0,
};
