// Keyboard-wedge barcode scanners type a code as a burst of keys, faster
// than any person, ending in Enter. The scanner module watches every key
// wherever focus is: a burst of at least scanner_min_length keys, each
// within scanner_gap_ms of the one before, that ends in Enter is a scan.
// Its characters are taken back out of whatever field they landed in (the
// field gets the text it had before the burst), and the code goes to the
// screen's scan handler: a scan never mixes with typed text.
import { state } from './state.js';

let burst = null; // {keys, last, field, value, start, end}
let handler = () => {};
let swallowed = -1; // when the last scan's Enter was taken

// onScan sets the function that receives each scanned code.
export function onScan(fn) { handler = fn; }

function isField(el) {
  return el && (el.matches('input:not([type=checkbox]):not([type=radio]), textarea') || el.isContentEditable);
}

function snapshot(el) {
  if (!isField(el)) return { field: null };
  return { field: el, value: el.value, start: el.selectionStart, end: el.selectionEnd };
}

// onKeyDown runs in the capture phase, before any field or form sees the
// key, so the Enter that ends a scan submits nothing.
function onKeyDown(ev) {
  const gap = Number(state.config.scanner_gap_ms) || 50;
  const min = Number(state.config.scanner_min_length) || 6;
  const now = ev.timeStamp || performance.now();
  if (ev.ctrlKey || ev.metaKey || ev.altKey) { burst = null; return; }
  if (ev.key === 'Enter') {
    const b = burst;
    burst = null;
    if (b && b.keys.length >= min && now - b.last <= allowedGap(b, gap)) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
      swallowed = now;
      restore(b);
      document.body.dataset.lastScan = b.keys.join(''); // for people and tests: what was read
      handler(b.keys.join(''));
    }
    return;
  }
  if (ev.key.length !== 1) return; // Shift and the like come between a scanner's keys
  if (!burst || now - burst.last > allowedGap(burst, gap)) burst = Object.assign({ keys: [], first: now }, snapshot(ev.target));
  burst.keys.push(ev.key);
  burst.last = now;
}

// onKeyPress drops the keypress of a scan's Enter: some keyboards (and
// test drivers) send it apart from the keydown, and it would submit the
// form the scan landed in.
function onKeyPress(ev) {
  if (ev.key === 'Enter' && swallowed >= 0 && (ev.timeStamp || performance.now()) - swallowed < 500) {
    swallowed = -1;
    ev.preventDefault();
    ev.stopImmediatePropagation();
  }
}

// allowedGap is the pause that still continues burst b. Once three keys
// came at a scanner's pace, one hiccup of up to four gaps is tolerated: a
// busy page (or a USB hub) can delay a key, and a person never types three
// keys within the gap to begin with.
function allowedGap(b, gap) {
  if (!b) return gap;
  const n = b.keys.length;
  const machine = n >= 3 && (b.last - b.first) / (n - 1) <= gap;
  return machine ? gap * 4 : gap;
}

// restore gives the field the text it had before the burst. When focus
// moved during the burst (a key on no field sends focus to the scan box),
// the part of the code that reached the focused field is taken out of it.
function restore(b) {
  const el = document.activeElement;
  if (isField(el) && el !== b.field) {
    const code = b.keys.join('');
    for (let k = 0; k < code.length; k++) {
      const i = el.value.lastIndexOf(code.slice(k));
      if (i >= 0) {
        el.value = el.value.slice(0, i) + el.value.slice(i + code.length - k);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        break;
      }
    }
  }
  if (!b.field || !b.field.isConnected) return;
  if (b.field.value !== b.value) {
    b.field.value = b.value;
    b.field.dispatchEvent(new Event('input', { bubbles: true }));
  }
  try { b.field.setSelectionRange(b.start, b.end); } catch (e) { /* not every input type has a selection */ }
}

export function startScanner() {
  document.addEventListener('keydown', onKeyDown, true);
  document.addEventListener('keypress', onKeyPress, true);
  // A scanner's burst never holds a tap or a click: one ends any burst.
  document.addEventListener('pointerdown', () => { burst = null; }, true);
}
