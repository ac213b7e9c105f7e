// Storage of the till: localStorage and sessionStorage keys, and a store
// that keeps working when storage is unavailable.

export const KEYS = {
  terminal: 'storeedge.pos.terminalToken', // localStorage: the till's token
  cashier: 'storeedge.pos.cashier', // localStorage: last cashier name
  cart: 'storeedge.pos.cart', // localStorage: survives a reload
  pending: 'storeedge.pos.pendingSale', // localStorage: an unconfirmed sale
  lang: 'storeedge.pos.lang', // localStorage: this till's language
  session: 'storeedge.pos.session', // sessionStorage: bearer token
};

// Storage may be unavailable (private mode, quota): the till must still work.
export const store = {
  get(area, key) {
    try { return JSON.parse(area.getItem(key)); } catch (e) { return null; }
  },
  set(area, key, value) {
    try {
      if (value == null) area.removeItem(key); else area.setItem(key, JSON.stringify(value));
    } catch (e) { /* keep going without persistence */ }
  },
};
