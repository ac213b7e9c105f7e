// X and Z reports.
import { h, row, table } from './dom.js';
import { fmtMoney, fmtTime } from './format.js';

// renderReport shows an X or Z report (pos.ShiftReport).
export function renderReport(rep) {
  const sh = rep.shift || {};
  return h('div', null,
    h('h2', { text: rep.kind === 'Z' ? 'Z report — shift closed' : 'X report — shift running' }),
    h('p', { class: 'muted' },
      'Cashier ' + (sh.cashier_name || '') + ' · opened ' + fmtTime(sh.opened_at) +
      (sh.closed_at ? ' · closed ' + fmtTime(sh.closed_at) : '') + ' · receipts ' + rep.receipt_count),
    h('h3', { text: 'Totals by tender' }),
    table(['', 'Sales', 'Returns'], [
      tenderRow('Count', rep.sales.count, rep.returns.count, String),
      tenderRow('Cash', rep.sales.cash, rep.returns.cash, fmtMoney),
      tenderRow('Card', rep.sales.card, rep.returns.card, fmtMoney),
      tenderRow('Total', rep.sales.total, rep.returns.total, fmtMoney, 'strong'),
    ]),
    table(null, [row('Net (sales − returns)', fmtMoney(rep.net), 'strong'), row('Discounts given', fmtMoney(rep.discounts))]),
    h('h3', { text: 'VAT by rate' }),
    table(['Rate', 'Sales', 'VAT', 'Returns VAT', 'Net', 'Net VAT'], (rep.vat || []).map((v) =>
      h('tr', null, h('th', { text: v.rate + '%' }),
        [v.sales_gross, v.sales_vat, v.returns_vat, v.net_gross, v.net_vat].map((m) => h('td', { class: 'num', text: fmtMoney(m) }))))),
    h('h3', { text: 'Cash drawer' }),
    table(null, drawerRows(rep, sh)));
}

export function tenderRow(label, a, b, fmt, cls) {
  return h('tr', { class: cls }, h('th', { text: label }), h('td', { class: 'num', text: fmt(a) }), h('td', { class: 'num', text: fmt(b) }));
}

export function drawerRows(rep, sh) {
  const rows = [
    row('Opening float', fmtMoney(sh.opening_float)),
    row('+ cash sales (net of change)', fmtMoney(rep.sales.cash)),
    row('− cash refunds', fmtMoney(rep.returns.cash)),
    row('+ cash in', fmtMoney(rep.cash_in)),
    row('− cash out', fmtMoney(rep.cash_out)),
    row('Expected in drawer', fmtMoney(rep.expected_cash), 'strong'),
  ];
  if (rep.counted_cash) {
    const d = rep.difference ? rep.difference.amount : 0;
    rows.push(row('Counted', fmtMoney(rep.counted_cash), 'strong'));
    rows.push(row(d < 0 ? 'Shortage' : d > 0 ? 'Surplus' : 'Difference', fmtMoney(rep.difference), d < 0 ? 'bad' : d > 0 ? 'warn' : 'good'));
  }
  return rows;
}
