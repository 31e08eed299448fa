// Quoting a passage: the selection inside the section body as {exact, prefix,
// suffix} over the body's textContent, and highlighting quoted passages.

const CONTEXT = 32;

export function selectionQuote(root) {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
  const exact = range.toString();
  if (!exact.trim()) return null;
  const before = document.createRange();
  before.selectNodeContents(root);
  before.setEnd(range.startContainer, range.startOffset);
  const start = before.toString().length;
  const end = start + exact.length;
  const text = root.textContent;
  return {
    exact,
    prefix: text.slice(Math.max(0, start - CONTEXT), start),
    suffix: text.slice(end, end + CONTEXT),
  };
}

/** Where a quote sits in `text`: the occurrence whose context matches best. */
export function locateQuote(text, quote) {
  if (!quote || !quote.exact) return null;
  let best = null;
  let bestScore = -1;
  for (let at = text.indexOf(quote.exact); at >= 0; at = text.indexOf(quote.exact, at + 1)) {
    const prefix = quote.prefix || "";
    const suffix = quote.suffix || "";
    const score = (text.slice(at - prefix.length, at) === prefix ? 2 : 0)
      + (text.slice(at + quote.exact.length, at + quote.exact.length + suffix.length) === suffix ? 1 : 0);
    if (score > bestScore) {
      best = at;
      bestScore = score;
    }
  }
  return best === null ? null : { start: best, end: best + quote.exact.length };
}

/** Wrap text offsets [start, end) of root in elements made by `make`. */
export function wrapRange(root, start, end, make) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const targets = [];
  let pos = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const from = pos;
    pos += node.data.length;
    if (pos <= start) continue;
    if (from >= end) break;
    const a = Math.max(start - from, 0);
    const b = Math.min(end - from, node.data.length);
    if (node.data.slice(a, b).trim()) targets.push([node, a, b]);
  }
  const made = [];
  for (const [node, a, b] of targets) {
    let piece = node;
    if (b < piece.data.length) piece.splitText(b);
    if (a > 0) piece = piece.splitText(a);
    const wrapper = make();
    piece.parentNode.insertBefore(wrapper, piece);
    wrapper.append(piece);
    made.push(wrapper);
  }
  return made;
}

export function highlightQuotes(root, comments, onActivate) {
  const text = root.textContent;
  const spots = [];
  for (const c of comments) {
    if (!c.quote || c.orphaned || c.resolved || c.deleted || c.parent_id) continue;
    const at = locateQuote(text, c.quote);
    if (at) spots.push({ ...at, id: c.id });
  }
  // Wrap from the end so earlier offsets stay valid.
  spots.sort((x, y) => y.start - x.start);
  for (const spot of spots) {
    wrapRange(root, spot.start, spot.end, () => {
      const mark = document.createElement("mark");
      mark.className = "quote-mark";
      mark.dataset.commentId = String(spot.id);
      mark.title = "Commented passage";
      mark.addEventListener("click", () => onActivate(spot.id));
      return mark;
    });
  }
}
