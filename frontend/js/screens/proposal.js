// #/proposal/{id}: the proposal's redline, its versions and its comments.

import { api } from "../api.js";
import { h, clear, trusted, time, debounce } from "../dom.js";
import { proposalCard } from "../components/proposal-card.js";
import { commentsPanel } from "../components/comments.js";
import { tabs } from "../components/tabs.js";

export async function render({ view, params, signal, user, onEvent }) {
  const id = params.id;
  let p = await api.get(`/proposals/${id}`, { signal });
  const cardHost = h("div", { class: "proposal-detail" });
  const title = h("h1", {});
  const sectionLink = h("li", {});
  const drawCard = () => {
    title.textContent = `Proposal ${p.id}${p.section_number ? ` on § ${p.section_number}` : ""}`;
    sectionLink.replaceChildren(p.section_id ? h("a", { href: `#/section/${p.section_id}` }, `§ ${p.section_number || p.section_id}`) : "New section");
    cardHost.replaceChildren(proposalCard(p, { user, full: false, headingLevel: 2, onChanged: reload }));
  };
  async function reload() {
    try {
      p = await api.get(`/proposals/${id}`, { signal });
      drawCard();
      versions.refresh();
    } catch (err) {
      if (err.name !== "AbortError") cardHost.prepend(h("p", { class: "form-error" }, err.detail || String(err)));
    }
  }
  const versions = versionsPanel(id, signal);
  const comments = commentsPanel({ target: { kind: "proposal", id }, user, signal,
    onLoaded: (list) => panels.setCount("comments", list.filter((c) => !c.deleted).length) });
  const panels = tabs([
    { id: "comments", label: "Comments", panel: comments.el },
    { id: "versions", label: "Versions", panel: versions.el },
  ], { label: "Comments and versions" });
  view.append(h("div", { class: "page proposal-page" },
    h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" }, h("ol", {}, h("li", {}, h("a", { href: "#/" }, "Guide")), sectionLink)),
    title, cardHost, panels.el));
  drawCard();
  comments.refresh();
  versions.refresh();
  const later = debounce(reload, 300);
  const laterComments = debounce(() => comments.refresh(), 300);
  onEvent((event) => {
    if (event.object_type === "proposal" && String(event.object_id) === String(id)) later();
    if (event.object_type === "comment") laterComments();
  });
}

function versionsPanel(id, signal) {
  const list = h("ol", { class: "versions" });
  async function refresh() {
    let items;
    try {
      items = await api.get(`/proposals/${id}/versions`, { signal });
    } catch (err) {
      if (err.name === "AbortError") return;
      clear(list).append(h("li", { class: "empty" }, err.status === 404 ? "Versions are not available yet." : err.detail));
      return;
    }
    clear(list);
    const rows = Array.isArray(items) ? items : items.items || [];
    for (const v of [...rows].reverse()) {
      const li = h("li", { class: "version card" },
        h("h3", {}, `Version ${v.version ?? v.number ?? ""}`),
        h("p", { class: "meta" }, v.author ? `${v.author} · ` : "", time(v.created_at), v.base_revision ? ` · on rev. ${v.base_revision}` : ""),
        v.title ? h("p", {}, h("strong", {}, "Title: "), v.title) : null);
      if (v.redline_html) li.append(trusted(h("div", { class: "prose redline" }), v.redline_html));
      else if (v.body !== undefined) li.append(h("pre", { class: "markdown-source" }, v.body));
      if (v.rationale) li.append(h("p", { class: "pre-wrap rationale" }, v.rationale));
      list.append(li);
    }
    if (!rows.length) list.append(h("li", { class: "empty" }, "No earlier versions."));
  }
  return { el: h("div", {}, list), refresh };
}
