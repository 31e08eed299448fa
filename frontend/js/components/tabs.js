// Accessible tabs (WAI-ARIA tabs pattern): arrow keys, Home/End, one tab stop.

import { h, nextId } from "../dom.js";

export function tabs(items, { initial, label = "Section panels", onSelect } = {}) {
  const list = h("div", { class: "tablist", role: "tablist", "aria-label": label });
  const panels = h("div", { class: "tabpanels" });
  const byId = new Map();
  for (const item of items) {
    const tabId = nextId("tab");
    const panelId = nextId("panel");
    const count = h("span", { class: "tab-count", hidden: true });
    const tab = h("button", {
      type: "button", role: "tab", id: tabId, "aria-controls": panelId, "aria-selected": "false",
      tabindex: "-1", class: "tab", dataset: { tab: item.id },
    }, item.label, count);
    const panel = h("section", { role: "tabpanel", id: panelId, "aria-labelledby": tabId, class: "tabpanel", hidden: true, tabindex: "0" }, item.panel);
    tab.addEventListener("click", () => select(item.id));
    list.append(tab);
    panels.append(panel);
    byId.set(item.id, { tab, panel, count });
  }
  list.addEventListener("keydown", (event) => {
    const all = [...list.querySelectorAll('[role="tab"]')];
    const index = all.indexOf(document.activeElement);
    if (index < 0) return;
    let next = null;
    if (event.key === "ArrowRight") next = all[(index + 1) % all.length];
    else if (event.key === "ArrowLeft") next = all[(index - 1 + all.length) % all.length];
    else if (event.key === "Home") next = all[0];
    else if (event.key === "End") next = all[all.length - 1];
    if (next) {
      event.preventDefault();
      select(next.dataset.tab);
      next.focus();
    }
  });
  let current = null;
  function select(id) {
    if (!byId.has(id)) return;
    for (const [key, { tab, panel }] of byId) {
      const on = key === id;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      panel.hidden = !on;
    }
    current = id;
    if (onSelect) onSelect(id);
  }
  function setCount(id, n) {
    const entry = byId.get(id);
    if (!entry) return;
    entry.count.hidden = n === null || n === undefined;
    entry.count.textContent = n === null || n === undefined ? "" : String(n);
  }
  select(initial && byId.has(initial) ? initial : items[0].id);
  return { el: h("div", { class: "tabs" }, list, panels), select, setCount, get current() { return current; }, tab: (id) => byId.get(id)?.tab };
}
