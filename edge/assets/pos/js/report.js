// X and Z reports.
import { h, row, table } from './dom.js';
import { fmtMoney, fmtTime } from './format.js';
import { t } from './i18n.js';

// renderReport shows an X or Z report (pos.ShiftReport), with the manager
// actions of the shift when the server counts them.
export function renderReport(rep) {
  const sh = rep.shift || {};
  return h('div', { class: 'report-' + (rep.kind === 'Z' ? 'z' : 'x') },
    h('h2', { text: t(rep.kind === 'Z' ? 'report.z_title' : 'report.x_title') }),
    h('p', { class: 'muted' },
      t('report.cashier', { name: sh.cashier_name || '' }) + ' · ' + t('report.opened', { at: fmtTime(sh.opened_at) }) +
      (sh.closed_at ? ' · ' + t('report.closed', { at: fmtTime(sh.closed_at) }) : '') + ' · ' +
      t('report.receipts', { n: rep.receipt_count })),
    h('h3', { text: t('report.by_tender') }),
    table(['', t('report.sales'), t('report.returns')], [
      tenderRow(t('report.count'), rep.sales.count, rep.returns.count, String),
      tenderRow(t('pay.cash'), rep.sales.cash, rep.returns.cash, fmtMoney),
      tenderRow(t('pay.card'), rep.sales.card, rep.returns.card, fmtMoney),
      used(rep, 'points') ? tenderRow(t('pay.points'), rep.sales.points, rep.returns.points, fmtMoney) : null,
      used(rep, 'online') ? tenderRow(t('pay.online'), rep.sales.online, rep.returns.online, fmtMoney) : null,
      tenderRow(t('report.total'), rep.sales.total, rep.returns.total, fmtMoney, 'strong'),
    ].filter(Boolean)),
    table(null, [
      row(t('report.net'), fmtMoney(rep.net), 'strong'),
      row(t('report.discounts'), fmtMoney(rep.discounts)),
      rep.price_overrides ? row(t('report.overrides', { n: rep.price_overrides.count }), fmtMoney(rep.price_overrides.amount)) : null,
      rep.voids ? row(t('report.voids'), String(rep.voids.count)) : null,
    ].filter(Boolean)),
    h('h3', { text: t('report.vat') }),
    table([t('report.rate'), t('report.sales'), t('report.vat_short'), t('report.returns_vat'), t('report.net_short'), t('report.net_vat')],
      (rep.vat || []).map((v) =>
        h('tr', null, h('th', { text: v.rate + '%' }),
          [v.sales_gross, v.sales_vat, v.returns_vat, v.net_gross, v.net_vat].map((m) => h('td', { class: 'num', text: fmtMoney(m) }))))),
    h('h3', { text: t('report.drawer') }),
    table(null, drawerRows(rep, sh)));
}

function tenderRow(label, a, b, fmt, cls) {
  return h('tr', { class: cls }, h('th', { text: label }), h('td', { class: 'num', text: fmt(a) }), h('td', { class: 'num', text: fmt(b) }));
}

function drawerRows(rep, sh) {
  const rows = [
    row(t('report.float'), fmtMoney(sh.opening_float)),
    row(t('report.cash_sales'), fmtMoney(rep.sales.cash)),
    row(t('report.cash_refunds'), fmtMoney(rep.returns.cash)),
    row(t('report.cash_in'), fmtMoney(rep.cash_in)),
    row(t('report.cash_out'), fmtMoney(rep.cash_out)),
    row(t('report.expected'), fmtMoney(rep.expected_cash), 'strong'),
  ];
  if (rep.counted_cash) {
    const d = rep.difference ? rep.difference.amount : 0;
    rows.push(row(t('report.counted'), fmtMoney(rep.counted_cash), 'strong'));
    rows.push(row(t(d < 0 ? 'report.shortage' : d > 0 ? 'report.surplus' : 'report.difference'), fmtMoney(rep.difference),
      d < 0 ? 'bad' : d > 0 ? 'warn' : 'good'));
  }
  return rows;
}

// used reports whether the shift took or gave back any money by a tender
// that most shifts never see (points, online), so its row is shown.
function used(rep, tender) {
  const amount = (m) => (m && m.amount) || 0;
  return amount(rep.sales[tender]) !== 0 || amount(rep.returns[tender]) !== 0;
}
