// DOM helpers: elements built from text, never from HTML.

export const $ = (id) => document.getElementById(id);

// h builds an element; text always goes in as text, never as HTML, since
// product names come from the catalog.
export function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'data') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid != null && kid !== false) el.append(kid instanceof Node ? kid : String(kid));
  }
  return el;
}

export function row(label, value, cls) {
  return h('tr', { class: cls }, h('th', { text: label }), h('td', { class: 'num', text: value }));
}

export function table(head, rows) {
  return h('table', null,
    head ? h('thead', null, h('tr', null, head.map((t, i) => h('th', { class: i ? 'num' : null, text: t })))) : null,
    h('tbody', null, rows));
}

export const isBlank = (s) => String(s || '').trim() === '';
