// Words of the screen. They live in message catalogs, one JSON file per
// language (edge/i18n/{ru,uk,en}.json, served at i18n/{lang}.json), keyed by
// meaning; code holds keys only. A value is a string with {name}
// placeholders, or, for a count, an object of CLDR plural forms (Russian
// and Ukrainian: one, few, many; English: one, other) chosen with
// Intl.PluralRules: 1 товар, 2 товара, 5 товаров.
import { state } from './state.js';
import { KEYS, store } from './storage.js';

let catalog = {};
let plurals = new Intl.PluralRules('ru');

// Locales of the languages, for Intl.
const LOCALES = { ru: 'ru-RU', uk: 'uk-UA', en: 'en-GB' };

export function locale() { return LOCALES[state.lang] || 'ru-RU'; }

// pickLanguage returns the till's language: its own choice kept in
// localStorage, else the shop's default from the server's config.
export function pickLanguage(config) {
  const own = store.get(localStorage, KEYS.lang);
  const known = config.languages || Object.keys(LOCALES);
  return known.includes(own) ? own : config.language || 'ru';
}

// loadLanguage fetches the catalog of lang and makes it current.
export async function loadLanguage(lang) {
  const res = await fetch('i18n/' + encodeURIComponent(lang) + '.json', { cache: 'no-cache', credentials: 'omit' });
  if (!res.ok) throw new Error('catalog ' + lang + ': ' + res.status);
  catalog = await res.json();
  state.lang = lang;
  plurals = new Intl.PluralRules(locale());
  document.documentElement.lang = lang;
}

// t returns the text of key with params filled in. A count is params.n; a
// missing key shows as [[key]] so that tests and people notice.
export function t(key, params) {
  let s = catalog[key];
  if (s == null) return '[[' + key + ']]';
  if (typeof s === 'object') s = s[plurals.select(Number(params && params.n) || 0)] || s.other;
  return s.replace(/\{(\w+)\}/g, (m, k) => (params && params[k] != null ? String(params[k]) : m));
}

// has reports whether the catalog has key.
export function has(key) { return Object.prototype.hasOwnProperty.call(catalog, key); }

// applyDom fills the static page: data-i18n sets the text of an element,
// data-i18n-placeholder and data-i18n-aria-label those attributes.
export function applyDom(root) {
  const r = root || document;
  for (const el of r.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of r.querySelectorAll('[data-i18n-placeholder]')) el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder));
  for (const el of r.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  document.title = t('app.title');
}

// problemText says a server problem in the cashier's language. Server
// details are English, for logs and developers; the screen maps the stable
// code (and the field) to a catalog key: err.{code}.{field} first, then
// err.{code}, and shows the English detail only when it knows neither.
export function problemText(p) {
  if (!p) return t('err.generic');
  const field = String(p.field || '').replace(/\[\d+\]/g, '').replace(/\./g, '_');
  if (p.code && field && has('err.' + p.code + '.' + field)) return t('err.' + p.code + '.' + field, p.data || {});
  if (p.code && has('err.' + p.code)) return t('err.' + p.code, p.data || {});
  if (p.localized) return p.detail;
  return t('err.generic') + (p.detail ? ' (' + p.detail + ')' : '');
}
