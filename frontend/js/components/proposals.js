// A section's proposals: filters by status and delegation, and a view that
// puts competing proposals side by side (?group=competing).

import { api, query } from "../api.js";
import { h, clear, field } from "../dom.js";
import { reportError } from "../notify.js";
import { STATUS_LABELS, can } from "../state.js";
import { proposalCard } from "./proposal-card.js";

export function proposalsPanel({ section, user, signal, onCount }) {
  const seen = new Set();
  const status = field("Status", h("select", { name: "status" },
    h("option", { value: "" }, "All statuses"),
    Object.entries(STATUS_LABELS).map(([value, label]) => h("option", { value }, label))));
  const delegation = field("Delegation", h("select", { name: "delegation" }, h("option", { value: "" }, "All delegations")));
  const grouped = h("input", { type: "checkbox", name: "group", id: `group-${section.id}` });
  const groupWrap = h("div", { class: "field field-check" }, grouped, h("label", { for: grouped.id }, "Competing proposals side by side"));
  const filters = h("form", { class: "filters", "aria-label": "Filter proposals" }, status.wrap, delegation.wrap, groupWrap);
  filters.addEventListener("submit", (e) => e.preventDefault());
  filters.addEventListener("change", () => refresh());
  const list = h("div", { class: "proposal-list", "aria-live": "polite", "aria-busy": "false" });
  const tools = h("div", { class: "panel-tools" }, filters);
  if (can("propose", user)) {
    tools.append(h("div", { class: "toolbar" },
      h("a", { class: "button primary", href: `#/section/${section.id}/propose` }, "Propose a change")));
  }
  const el = h("div", { class: "proposals" }, tools, list);

  function rememberDelegations(items) {
    let added = false;
    for (const p of items) {
      if (p.delegation && !seen.has(p.delegation)) {
        seen.add(p.delegation);
        added = true;
      }
    }
    if (!added) return;
    const select = delegation.input;
    const chosen = select.value;
    select.replaceChildren(h("option", { value: "" }, "All delegations"),
      ...[...seen].sort().map((code) => h("option", { value: code, selected: code === chosen }, code)));
  }

  const cardOpts = { user, onChanged: () => refresh() };

  async function refresh() {
    list.setAttribute("aria-busy", "true");
    const params = { status: status.input.value, delegation: delegation.input.value, group: grouped.checked ? "competing" : "" };
    let data;
    try {
      data = await api.get(`/sections/${section.id}/proposals${query(params)}`, { signal });
    } catch (err) {
      list.setAttribute("aria-busy", "false");
      if (err.name === "AbortError") return;
      clear(list).append(h("p", { class: "empty" }, err.status === 404 ? "Proposals are not available yet." : `Proposals could not be loaded: ${err.detail || err.message}`));
      if (err.status !== 404) reportError(err);
      return;
    }
    clear(list);
    list.setAttribute("aria-busy", "false");
    if (grouped.checked && data && data.groups) {
      const all = data.groups.flat();
      rememberDelegations(all);
      if (!params.status && !params.delegation && onCount) onCount(all.length);
      if (!all.length) return list.append(h("p", { class: "empty" }, "No proposals match."));
      for (const group of data.groups) {
        if (group.length > 1) {
          list.append(h("section", { class: "compete-group", "aria-label": `${group.length} competing proposals` },
            h("h3", { class: "compete-title" }, `${group.length} competing proposals`),
            h("div", { class: "compete-grid" }, group.map((p) => proposalCard(p, { ...cardOpts, headingLevel: 4 })))));
        } else {
          list.append(proposalCard(group[0], cardOpts));
        }
      }
      return;
    }
    const items = Array.isArray(data) ? data : (data && data.items) || [];
    rememberDelegations(items);
    if (!params.status && !params.delegation && onCount) onCount(items.length);
    if (!items.length) {
      list.append(h("p", { class: "empty" }, params.status || params.delegation ? "No proposals match these filters." : "No proposals on this section yet."));
      return;
    }
    for (const p of items) list.append(proposalCard(p, cardOpts));
  }

  return { el, refresh };
}
