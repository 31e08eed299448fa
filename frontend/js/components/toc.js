// The table of contents, grouped by operative paragraph (op_tag) in reading order.

import { h } from "../dom.js";
import { OP_GROUPS, opLabel } from "../state.js";

export function groupSections(sections) {
  const groups = [];
  for (const s of sections) {
    const last = groups[groups.length - 1];
    if (last && last.tag === s.op_tag) last.sections.push(s);
    else groups.push({ tag: s.op_tag, sections: [s] });
  }
  return groups;
}

export function renderToc(sections, { currentId = null, compact = false, id = "toc" } = {}) {
  const nav = h("nav", { class: ["toc", compact && "toc-compact"], id, "aria-label": "Table of contents" });
  for (const group of groupSections(sections)) {
    const headingId = `${id}-g-${(group.tag || "other").replace(/[^A-Za-z0-9]/g, "")}`;
    const info = OP_GROUPS[group.tag];
    const list = h("ol", { class: "toc-list", "aria-labelledby": headingId });
    for (const s of group.sections) {
      const link = h("a", { href: `#/section/${s.id}`, class: "toc-link" },
        h("span", { class: "toc-num" }, s.number),
        h("span", { class: "toc-title" }, s.title));
      if (String(s.id) === String(currentId)) link.setAttribute("aria-current", "page");
      const meta = !compact && s.revision > 1 ? h("span", { class: "toc-rev", title: `Revision ${s.revision}` }, `rev. ${s.revision}`) : null;
      list.append(h("li", { class: `toc-item level-${Math.min(s.level || 1, 4)}` }, link, meta));
    }
    nav.append(h("div", { class: "toc-group" },
      h(compact ? "h3" : "h2", { class: "toc-group-title", id: headingId },
        h("span", { class: "op-tag" }, opLabel(group.tag)),
        !compact && info ? h("span", { class: "op-hint" }, info.hint) : null),
      list));
  }
  return nav;
}
