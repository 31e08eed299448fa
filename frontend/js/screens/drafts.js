// #/drafts: circulated (and, for chairs and coordinators, working) drafts;
// #/draft/{id}: one draft, its exports and a comparison with another draft.

import { api, download } from "../api.js";
import { h, clear, field, time, trusted, button, badge } from "../dom.js";
import { reportError, toast, inlineError } from "../notify.js";
import { navigate } from "../router.js";
import { DOCUMENT_SLUG, can } from "../state.js";

const STATUS_CLASS = { circulated: "pill-submitted", adopted: "pill-accepted", working: "pill-draft", superseded: "pill-withdrawn", silence: "pill-bracketed" };
const statusPill = (status) => h("span", { class: ["pill", STATUS_CLASS[status] || "pill-draft"] }, String(status || "").replace(/_/g, " "));

const FORMATS = [["md", "Markdown"], ["html", "HTML"], ["docx", "Word (DOCX)"], ["akn", "Akoma Ntoso"]];

async function listDrafts(signal) {
  const data = await api.get(`/documents/${DOCUMENT_SLUG}/drafts`, { signal });
  return Array.isArray(data) ? data : data.items || [];
}

export async function render(ctx) {
  return ctx.params.id ? renderDraft(ctx) : renderList(ctx);
}

async function renderList({ view, signal, user }) {
  const list = h("ol", { class: "draft-list" });
  view.append(h("div", { class: "page drafts" }, h("h1", {}, "Drafts"),
    h("p", { class: "lede" }, "Named snapshots of the guide, circulated by the co-chairs before each meeting."), list));
  try {
    const drafts = await listDrafts(signal);
    for (const d of [...drafts].reverse()) {
      list.append(h("li", { class: "card draft-item" },
        h("h2", { class: "card-title" }, h("a", { href: `#/draft/${d.id}` }, d.label || `Draft ${d.id}`)),
        h("p", { class: "meta" }, d.reference ? `${d.reference} · ` : "", time(d.created_at), " · ",
          statusPill(d.status))));
    }
    if (!drafts.length) list.append(h("li", { class: "empty" }, "No drafts yet."));
  } catch (err) {
    if (err.name === "AbortError") return;
    list.append(h("li", { class: "empty" }, err.status === 404 ? "Drafts are not available on this server yet." : err.detail));
  }
  if (can("circulate", user)) view.querySelector(".page").append(createForm());
}

function createForm() {
  const label = field("Label", h("input", { required: true, maxlength: 200, placeholder: "Draft of 16 March 2021" }));
  const reference = field("Reference", h("input", { maxlength: 100, placeholder: "FSC.GAL/…" }));
  const circulate = h("input", { type: "checkbox", id: "draft-circulate" });
  const save = h("button", { type: "submit", class: "primary" }, "Create draft");
  const form = h("form", { class: "panel create-draft", "aria-labelledby": "create-draft-title" },
    h("h2", { id: "create-draft-title" }, "New draft from the current text"), label.wrap, reference.wrap,
    h("div", { class: "field field-check" }, circulate, h("label", { for: circulate.id }, "Circulate to all delegations now")),
    h("div", { class: "actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    save.disabled = true;
    try {
      const draft = await api.post(`/documents/${DOCUMENT_SLUG}/drafts`, { label: label.input.value.trim(), reference: reference.input.value.trim(), circulate: circulate.checked });
      toast(`Draft “${draft.label || draft.id}” created`);
      navigate(`/draft/${draft.id}`);
    } catch (err) {
      inlineError(form, err);
      save.disabled = false;
    }
  });
  return form;
}

async function renderDraft({ view, params, signal }) {
  const draft = await api.get(`/drafts/${params.id}`, { signal });
  const exports = h("div", { class: "toolbar", role: "group", "aria-label": "Export" },
    FORMATS.map(([fmt, label]) => button(label, () => download(`/drafts/${draft.id}/export?format=${fmt}`, `draft-${draft.id}.${fmt === "akn" ? "xml" : fmt}`).catch(reportError), { class: "secondary small" })));
  const compareSelect = field("Compare with", h("select", {}, h("option", { value: "" }, "Choose a draft…")));
  const compareOut = h("div", { class: "compare-result" });
  const compareForm = h("form", { class: "filters" }, compareSelect.wrap, h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary" }, "Compare")));
  compareForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const other = compareSelect.input.value;
    if (!other) return;
    try {
      const [a, b] = Number(other) < Number(draft.id) ? [other, draft.id] : [draft.id, other];
      const result = await api.get(`/drafts/${a}/compare/${b}`, { signal });
      clear(compareOut);
      const changed = (result.sections || []).filter((s) => s.change !== "unchanged");
      const name = (id) => (String(id) === String(draft.id) ? draft.label : compareSelect.input.selectedOptions[0].textContent);
      compareOut.append(h("h2", {}, `Changes from “${name(a)}” to “${name(b)}”`),
        h("p", { class: "hint" }, `${changed.length} section${changed.length === 1 ? "" : "s"} changed.`));
      for (const s of changed) {
        compareOut.append(h("section", { class: "card" },
          h("h3", { class: "card-title" }, `${s.number_to || s.number_from || ""} ${s.title_to || s.title_from || ""}`, " ",
            h("span", { class: "chip" }, s.change)),
          trusted(h("div", { class: "prose redline" }), s.html)));
      }
    } catch (err) {
      reportError(err);
    }
  });
  const body = h("nav", { class: "toc", "aria-label": "Sections of this draft" }, h("h2", {}, "Sections"),
    h("ol", { class: "toc-list draft-sections" }, (draft.sections || []).map((s) => h("li", { class: `toc-item level-${Math.min(s.level || 1, 4)}` },
      h("a", { class: "toc-link", href: `#/section/${s.section_id}?rev=${s.revision}` },
        h("span", { class: "toc-num" }, s.number), h("span", { class: "toc-title" }, s.title)),
      h("span", { class: "toc-rev" }, `rev. ${s.revision}`),
      s.agreement ? h("span", { class: ["pill", `pill-${s.agreement}`] }, s.agreement.replace(/_/g, " ")) : null))));
  const objections = (draft.objections || []).length
    ? h("section", { class: "notice notice-warn" }, h("h2", {}, "Silence broken"),
      h("ul", {}, draft.objections.map((o) => h("li", {}, badge(o.delegation), " ", o.text, " · ", time(o.created_at)))))
    : null;
  view.append(h("div", { class: "page draft" },
    h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" }, h("ol", {}, h("li", {}, h("a", { href: "#/drafts" }, "Drafts")))),
    h("h1", {}, draft.label || `Draft ${draft.id}`),
    h("p", { class: "meta" }, statusPill(draft.status), " ", draft.reference ? `${draft.reference} · ` : "", time(draft.created_at),
      draft.silence_deadline ? [" · silence until ", time(draft.silence_deadline)] : ""),
    draft.provenance && draft.provenance.length ? h("p", { class: "hint" }, `Merges ${draft.provenance.length} proposal${draft.provenance.length === 1 ? "" : "s"}: `,
      draft.provenance.map((id, i) => [i ? ", " : "", h("a", { href: `#/proposal/${id}` }, String(id))])) : null,
    objections, exports, compareForm, compareOut, body));
  listDrafts(signal).then((all) => {
    for (const d of all) if (String(d.id) !== String(draft.id)) compareSelect.input.append(h("option", { value: d.id }, d.label || `Draft ${d.id}`));
  }).catch(() => {});
}
