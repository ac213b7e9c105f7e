// Money, weights and dates, formatted for the till's language in one place.
// Money is integer minor units (kopecks) everywhere: an amount is turned into
// an exact decimal string ("1234.50") by integer arithmetic and string
// splitting, and Intl formats that string, so no binary float ever touches
// a price.
import { locale, t } from './i18n.js';
import { state } from './state.js';

// decimal writes n / 10^digits as an exact decimal string. (a - a % d) / d
// is an exact integer division, unlike a float quotient that could round up.
export function decimal(n, digits) {
  const neg = n < 0;
  const a = neg ? -n : n;
  const d = 10 ** digits;
  const frac = a % d;
  return (neg ? '-' : '') + String((a - frac) / d) + '.' + String(frac).padStart(digits, '0');
}

const formats = new Map();

// numberFormat caches Intl.NumberFormat by locale and options.
function numberFormat(opts) {
  const k = locale() + JSON.stringify(opts);
  if (!formats.has(k)) formats.set(k, new Intl.NumberFormat(locale(), opts));
  return formats.get(k);
}

// fmtAmount formats kopecks as "1 234,50" (ru) or "1,234.50" (en).
export function fmtAmount(a) {
  return numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(decimal(a, 2));
}

// fmtMoney formats a Money object (or bare kopecks in the shop's currency):
// "1 234,50 ₽", "1 234,50 ₴", or "RUB 1,234.50" in English.
export function fmtMoney(m) {
  if (m == null) return '—';
  const amount = typeof m === 'number' ? m : m.amount;
  const currency = (typeof m === 'number' ? null : m.currency) || state.currency;
  const display = state.lang === 'en' ? 'code' : 'narrowSymbol';
  return numberFormat({ style: 'currency', currency, currencyDisplay: display }).format(decimal(amount, 2));
}

// parseMoney reads what a cashier types ("150", "150,5", "1 234.56") as
// kopecks by splitting the string; it returns null for anything else. In
// English a comma groups thousands; elsewhere it is the decimal sign.
export function parseMoney(text) {
  let s = String(text || '').replace(/[\s\u00a0\u202f₽₴]/g, '');
  if (state.lang === 'en') s = s.replace(/,/g, '');
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

// fmtGrams shows a weight: "350 г", "1,200 кг".
export function fmtGrams(g) {
  if (g < 1000) return t('unit.g', { n: g });
  return t('unit.kg', { n: numberFormat({ minimumFractionDigits: 3 }).format(decimal(g, 3)) });
}

// fmtQty shows a quantity in its unit: "2 шт." or a weight.
export function fmtQty(unit, qty) { return unit === 'gram' ? fmtGrams(qty) : t('unit.pcs', { n: qty }); }

// perUnit is the suffix of a unit price: "/ кг" for weighed goods.
export function perUnit(unit) { return unit === 'gram' ? ' ' + t('unit.per_kg') : ''; }

// dateParts splits a moment into its fields in the shop's time zone.
function dateParts(d) {
  const k = 'dt' + locale() + state.config.timezone;
  if (!formats.has(k)) {
    formats.set(k, new Intl.DateTimeFormat('en-GB', {
      timeZone: state.config.timezone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }));
  }
  const out = {};
  for (const p of formats.get(k).formatToParts(d)) out[p.type] = p.value;
  return { d: out.day, m: out.month, y: out.year, H: out.hour, M: out.minute };
}

// fmtTime shows a moment as the catalog's fmt.datetime says, in the shop's
// time zone: "04.12.2026 20:44".
export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : t('fmt.datetime', dateParts(d));
}

// fmtSince shows only the time for a moment of today, as the bar is narrow.
export function fmtSince(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return iso || '';
  const p = dateParts(d);
  const today = dateParts(new Date());
  return p.d === today.d && p.m === today.m && p.y === today.y ? t('fmt.time', p) : t('fmt.datetime', p);
}

// fmtAge says how old a figure is: "5 мин назад".
export function fmtAge(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0));
  if (s < 60) return t('age.now');
  if (s < 3600) return t('age.minutes', { n: Math.floor(s / 60) });
  if (s < 86400) return t('age.hours', { n: Math.floor(s / 3600) });
  return t('age.days', { n: Math.floor(s / 86400) });
}
