// Money, weights and dates. Money is integer minor units (kopecks)
// everywhere: amounts are formatted and parsed with integer arithmetic and
// string splitting only, so that no binary float ever touches a price.
import { state } from './state.js';

export const SYMBOLS = { RUB: '₽' };

// fmtAmount formats kopecks as "1 234,56". (a - a % 100) / 100 is an exact
// integer division, unlike a float quotient that could round up.
export function fmtAmount(a) {
  const neg = a < 0;
  if (neg) a = -a;
  const kop = a % 100;
  const units = String((a - kop) / 100);
  let grouped = '';
  for (let i = 0; i < units.length; i++) {
    if (i > 0 && (units.length - i) % 3 === 0) grouped += ' ';
    grouped += units[i];
  }
  return (neg ? '−' : '') + grouped + ',' + String(kop).padStart(2, '0');
}

// fmtMoney formats a Money object (or bare kopecks in the shop's currency).
export function fmtMoney(m) {
  if (m == null) return '—';
  const amount = typeof m === 'number' ? m : m.amount;
  const cur = (typeof m === 'number' ? null : m.currency) || state.currency;
  return fmtAmount(amount) + ' ' + (SYMBOLS[cur] || cur);
}

// parseMoney reads what a cashier types ("150", "150,5", "1 234.56") as
// kopecks by splitting the string; it returns null for anything else.
export function parseMoney(text) {
  const s = String(text || '').replace(/[\s\u00a0\u202f₽]/g, '');
  const m = /^(\d{0,12})(?:[.,](\d{0,2}))?$/.exec(s);
  if (!m || (m[1] === '' && !m[2])) return null;
  const units = m[1] === '' ? 0 : Number(m[1]);
  return units * 100 + Number(((m[2] || '') + '00').slice(0, 2));
}

// parseGrams reads a weight: whole grams ("350") or kilograms with a
// decimal comma or point ("0,35" or "1.2"), again by string splitting.
export function parseGrams(text) {
  const s = String(text || '').replace(/\s|g|kg|г|кг/gi, '');
  let m = /^\d{1,7}$/.exec(s);
  if (m) return Number(s);
  m = /^(\d{0,4})[.,](\d{1,3})$/.exec(s);
  if (!m) return null;
  return Number(m[1] || '0') * 1000 + Number((m[2] + '00').slice(0, 3));
}

// divRound is a*b/d rounded half away from zero (for a, b >= 0), the
// server's one rounding rule. BigInt keeps price × grams exact.
export function divRound(a, b, d) {
  const n = BigInt(a) * BigInt(b);
  const D = BigInt(d);
  return Number((n * 2n + D) / (2n * D));
}

export function fmtGrams(g) {
  if (g < 1000) return g + ' g';
  const rest = g % 1000;
  return (g - rest) / 1000 + ',' + String(rest).padStart(3, '0') + ' kg';
}

export function fmtQty(unit, qty) { return unit === 'gram' ? fmtGrams(qty) : qty + ' pcs'; }

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

// fmtSince shows only the time for a moment of today, as the bar is narrow.
export function fmtSince(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return iso || '';
  const hm = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === new Date().toDateString() ? hm : d.toLocaleDateString() + ' ' + hm;
}
