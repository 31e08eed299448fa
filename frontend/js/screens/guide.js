// #/ the guide: title and the table of contents grouped by operative paragraph.

import { h } from "../dom.js";
import { renderToc } from "../components/toc.js";
import { can, loadOutline } from "../state.js";

export async function render({ view, signal, onEvent }) {
  const doc = await loadOutline({ signal });
  const tocHolder = h("div", {}, renderToc(doc.sections, { id: "guide-toc" }));
  const tools = h("div", { class: "toolbar" });
  if (can("queue")) tools.append(h("a", { class: "button secondary", href: "#/queue" }, "Proposals awaiting decision"));
  tools.append(h("a", { class: "button secondary", href: "#/drafts" }, "Circulated drafts"));
  view.append(h("div", { class: "page guide" },
    h("header", { class: "page-header" },
      h("p", { class: "eyebrow" }, "OSCE · Informal Group of Friends on UNSCR 1540"),
      h("h1", { class: "doc-title" }, doc.title),
      h("p", { class: "lede" }, `${doc.sections.length} sections, grouped by the operative paragraph of resolution 1540 they implement. Open a section to read its current text, its history, proposals and comments.`),
      tools),
    tocHolder));
  onEvent(async (event) => {
    if (event.object_type !== "section" && event.action !== "merge" && !String(event.action).startsWith("merge")) return;
    const fresh = await loadOutline({ force: true, signal }).catch(() => null);
    if (fresh) tocHolder.replaceChildren(renderToc(fresh.sections, { id: "guide-toc" }));
  });
}
