// A section's revisions and a comparison of any two of them.

import { api, query } from "../api.js";
import { h, clear, trusted, time, field, badge } from "../dom.js";
import { inlineError } from "../notify.js";

export function historyPanel({ sectionId, signal, shownRevision }) {
  const list = h("ol", { class: "revisions", reversed: true });
  const from = field("From revision", h("select", { name: "from" }));
  const to = field("To revision", h("select", { name: "to" }));
  const compare = h("button", { type: "submit", class: "secondary" }, "Compare");
  const result = h("div", { class: "compare-result", "aria-live": "polite" });
  const form = h("form", { class: "compare-form", "aria-label": "Compare two revisions" }, from.wrap, to.wrap, h("div", { class: "actions" }, compare));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show(Number(from.input.value), Number(to.input.value));
  });
  const el = h("div", { class: "history" }, h("h3", { class: "visually-hidden" }, "Revisions"), list,
    h("h3", {}, "Compare revisions"), form, result);

  async function show(a, b) {
    if (!a || !b) return;
    compare.disabled = true;
    inlineError(form, null);
    try {
      const diff = await api.get(`/sections/${sectionId}/diff${query({ from: a, to: b })}`, { signal });
      clear(result).append(
        h("h4", {}, `Changes from revision ${a} to revision ${b}`),
        h("p", { class: "diff-title" }, "Title: ", trusted(h("span", {}), diff.title_html)),
        trusted(h("div", { class: "prose redline" }), diff.html || "<p>No changes.</p>"));
      from.input.value = String(a);
      to.input.value = String(b);
    } catch (err) {
      inlineError(form, err);
    } finally {
      compare.disabled = false;
    }
  }

  async function refresh() {
    const revisions = await api.get(`/sections/${sectionId}/revisions`, { signal });
    clear(list);
    const newest = [...revisions].reverse();
    for (const r of newest) {
      const current = r.number === revisions[revisions.length - 1].number;
      const shown = String(r.number) === String(shownRevision || revisions[revisions.length - 1].number);
      list.append(h("li", { class: ["revision", shown && "shown"], value: r.number },
        h("div", { class: "revision-head" },
          h("strong", {}, `Revision ${r.number}`), current ? h("span", { class: "pill pill-current" }, "current") : null,
          r.delegation ? badge(r.delegation) : null,
          h("span", { class: "muted" }, r.author || "seed"), time(r.created_at),
          h("span", { class: "chip" }, r.source)),
        r.message ? h("p", { class: "revision-message" }, r.message) : null,
        h("div", { class: "actions" },
          shown ? h("span", { class: "muted" }, "Shown above")
            : h("a", { class: "button small secondary", href: current ? `#/section/${sectionId}` : `#/section/${sectionId}?rev=${r.number}` }, `View revision ${r.number}`),
          r.number > 1 ? h("button", { type: "button", class: "small secondary", onClick: () => show(r.number - 1, r.number) }, "Changes in this revision") : null)));
    }
    const options = (sel, chosen) => sel.replaceChildren(...revisions.map((r) => h("option", { value: r.number, selected: r.number === chosen }, `Revision ${r.number}`)));
    const last = revisions[revisions.length - 1].number;
    options(from.input, Math.max(1, last - 1));
    options(to.input, last);
    compare.disabled = revisions.length < 2;
    return revisions;
  }

  return { el, refresh, show };
}
