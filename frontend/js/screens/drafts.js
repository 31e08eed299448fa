// #/drafts: circulated (and, for chairs and coordinators, working) drafts;
// #/draft/{id}: one draft, its exports, its circulation documents (redline, compilation)
// and a comparison with another draft.

import { api, download } from "../api.js";
import { h, clear, field, time, trusted, button, badge, nextId } from "../dom.js";
import { reportError, toast, inlineError } from "../notify.js";
import { navigate } from "../router.js";
import { DOCUMENT_SLUG, can } from "../state.js";

const AGREEMENTS = [["agreed", "Agreed"], ["bracketed", "Bracketed"], ["ad_referendum", "Ad referendum"]];
const agreementPill = (value) => h("span", { class: ["pill", "agreement", `pill-${value}`] }, String(value || "").replace(/_/g, " "));
const reload = (id) => navigate(`/draft/${id}`);

const STATUS_CLASS = { circulated: "pill-submitted", adopted: "pill-accepted", working: "pill-draft", superseded: "pill-withdrawn", silence: "pill-bracketed", under_silence: "pill-bracketed" };
const statusPill = (status) => h("span", { class: ["pill", STATUS_CLASS[status] || "pill-draft"] }, String(status || "").replace(/_/g, " "));

const FORMATS = [["md", "Markdown"], ["html", "HTML"], ["docx", "Word (DOCX)"], ["akn", "Akoma Ntoso"]];

// Circulation documents: a redline against an earlier draft, the compilation of proposals.
const CIRCULATION_FORMATS = [["docx", "Word"], ["html", "HTML"]];
const COMPILATION_STATUSES = [
  ["submitted", "Pending", true],
  ["accepted", "Accepted, not yet merged", true],
  ["rejected", "Rejected", false],
  ["withdrawn", "Withdrawn", false],
  ["merged", "Merged", false],
];
const DELEGATION_CODE = /^[A-Z0-9]{2,8}$/;
const draftName = (d) => d.label || `Draft ${d.id}`;
// What the server's policy lets this user do (GET /api/auth/me lists it).
const permitted = (action, user) => Boolean(user && (user.permissions || []).includes(action));

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
  const label = field("Label", h("input", { required: true, maxlength: 120, placeholder: "Draft of 16 March 2021" }));
  const reference = field("Reference", h("input", { maxlength: 120, placeholder: "FSC.GAL/…" }));
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

async function renderDraft({ view, params, signal, user }) {
  // The list feeds the comparison and the circulation documents; null if it cannot be read.
  const [draft, all] = await Promise.all([
    api.get(`/drafts/${params.id}`, { signal }),
    listDrafts(signal).catch((err) => {
      if (err.name === "AbortError") throw err;
      return null;
    }),
  ]);
  const earlier = (all || []).filter((d) => Number(d.id) < Number(draft.id)).sort((a, b) => Number(b.id) - Number(a.id));
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
  const chair = can("circulate", user);
  const body = h("nav", { class: "toc", "aria-label": "Sections of this draft" }, h("h2", {}, "Sections"),
    h("ol", { class: "toc-list draft-sections" }, (draft.sections || []).map((s) => sectionRow(draft, s, chair))));
  view.append(h("div", { class: "page draft" },
    h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" }, h("ol", {}, h("li", {}, h("a", { href: "#/drafts" }, "Drafts")))),
    h("h1", {}, draft.label || `Draft ${draft.id}`),
    h("p", { class: "meta" }, statusPill(draft.status), " ", draft.reference ? `${draft.reference} · ` : "", time(draft.created_at),
      draft.silence_deadline ? [" · silence until ", time(draft.silence_deadline)] : ""),
    draft.provenance && draft.provenance.length ? h("p", { class: "hint" }, `Merges ${draft.provenance.length} proposal${draft.provenance.length === 1 ? "" : "s"}: `,
      draft.provenance.map((id, i) => [i ? ", " : "", h("a", { href: `#/proposal/${id}` }, String(id))])) : null,
    silencePanel(draft, user), objectionsList(draft), chair ? chairPanel(draft) : null,
    exports, circulationPanel(draft, all && earlier, user, signal),
    can("importWord", user) ? importPanel(draft) : null, compareForm, compareOut, body));
  for (const d of all || []) if (String(d.id) !== String(draft.id)) compareSelect.input.append(h("option", { value: d.id }, d.label || `Draft ${d.id}`));
}

/** A download button that stays disabled while its file is prepared. */
function downloadButton(label, name, start, signal) {
  const btn = button(label, async () => {
    const job = start();
    if (!job) return;
    btn.disabled = true;
    try {
      await download(job.path, job.fallback);
    } catch (err) {
      if (!signal.aborted) reportError(err);
    } finally {
      btn.disabled = false;
    }
  }, { class: "secondary small", "aria-label": name });
  return btn;
}

/** Redline against an earlier draft (anyone who may export); the compilation (chairs, coordinators). */
function circulationPanel(draft, earlier, user, signal) {
  const panel = h("section", { class: "panel circulation", "aria-labelledby": "circulation-title" },
    h("h2", { id: "circulation-title" }, "Circulation documents"), redlineTools(draft, earlier, signal));
  if (permitted("compile", user)) panel.append(compilationTools(draft, earlier, signal));
  return panel;
}

const REDLINE_OPTIONS = [
  ["line_numbers", "Number the lines (for a meeting)"],
  ["threads", "Word: the chair’s notes and the discussion as comment replies"],
  ["protect", "Word: allow edits only as tracked changes"],
];

function redlineTools(draft, earlier, signal) {
  const group = h("div", { class: "circulation-group redline-against", role: "group", "aria-labelledby": "redline-title" },
    h("h3", { id: "redline-title" }, "Redline"),
    h("p", { class: "hint" }, "This draft, with the changes since an earlier draft marked as insertions and deletions."));
  if (!earlier || !earlier.length) {
    group.append(h("p", { class: "hint" }, earlier ? "There is no earlier draft to compare this one with." : "The earlier drafts could not be loaded."));
    return group;
  }
  const fallback = earlier.find((d) => String(d.id) === String(draft.previous_id)) || earlier[0];
  const against = field("Redline against", h("select", {},
    earlier.map((d) => h("option", { value: d.id, selected: d === fallback }, draftName(d)))));
  // Meeting options: line numbers (both formats); in Word, the discussion as
  // comment replies and "edit only with changes tracked".
  const options = REDLINE_OPTIONS.map(([name, label]) => h("input", { type: "checkbox", id: nextId(`redline-${name}`), value: name }));
  const optionBoxes = h("fieldset", { class: "compile-statuses redline-options" }, h("legend", {}, "Options"),
    options.map((box, i) => h("div", { class: "field-check" }, box, h("label", { for: box.id }, REDLINE_OPTIONS[i][1]))));
  const buttons = CIRCULATION_FORMATS.map(([fmt, label]) => downloadButton(label, `Redline as ${label}`, () => {
    const q = new URLSearchParams({ format: fmt, changes_since: against.input.value });
    for (const box of options) if (box.checked) q.set(box.value, "true");
    return { path: `/drafts/${draft.id}/export?${q}`, fallback: `draft-${draft.id}-changes.${fmt}` };
  }, signal));
  group.append(optionBoxes, h("div", { class: "filters" }, against.wrap, h("div", { class: "actions" }, buttons)));
  return group;
}

function compilationTools(draft, earlier, signal) {
  const boxes = COMPILATION_STATUSES.map(([value, label, checked]) => h("input", { type: "checkbox", id: nextId("compile-status"), value, checked }));
  const statuses = h("fieldset", { class: "compile-statuses" }, h("legend", {}, "Proposals to include"),
    boxes.map((box, i) => h("div", { class: "field-check" }, box, h("label", { for: box.id }, COMPILATION_STATUSES[i][1]))));
  const since = field("Proposals made since", h("select", {}, h("option", { value: "" }, "Any time (all proposals)"),
    (earlier || []).map((d) => h("option", { value: d.id }, draftName(d)))), "Only proposals made after that draft.");
  const delegation = field("Delegation code", h("input", { maxlength: 8, placeholder: "All delegations", autocapitalize: "characters", autocomplete: "off", spellcheck: "false" }),
    "Empty for every delegation; RUS for one.");
  const group = h("div", { class: "circulation-group compilation-filters", role: "group", "aria-labelledby": "compilation-title" },
    h("h3", { id: "compilation-title" }, "Compilation of proposals"),
    h("p", { class: "hint" }, "A table with one row per paragraph the proposals change: the current text beside each proposal’s version, with rationale and status."));
  const errors = h("div", { class: "compile-errors" });
  const problem = (message) => {
    inlineError(errors, message ? new Error(message) : null);
    return null;
  };
  const start = (fmt) => () => {
    const q = new URLSearchParams({ format: fmt });
    for (const box of boxes) if (box.checked) q.append("status", box.value);
    if (!q.has("status")) return problem("Choose at least one kind of proposal to include.");
    if (since.input.value) q.set("since", since.input.value);
    const code = delegation.input.value.trim().toUpperCase();
    if (code && !DELEGATION_CODE.test(code)) return problem("A delegation code is 2 to 8 letters or digits, such as RUS.");
    if (code) q.set("delegation", code);
    problem(null);
    return { path: `/drafts/${draft.id}/compilation?${q}`, fallback: `draft-${draft.id}-compilation.${fmt}` };
  };
  const buttons = CIRCULATION_FORMATS.map(([fmt, label]) => downloadButton(label, `Compilation as ${label}`, start(fmt), signal));
  group.append(statuses, h("div", { class: "filters" }, since.wrap, delegation.wrap, h("div", { class: "actions" }, buttons)), errors);
  return group;
}

function sectionRow(draft, s, chair) {
  const pill = agreementPill(s.agreement || "agreed");
  let control = null;
  if (chair) {
    const select = h("select", { class: "agreement-select", "aria-label": `Agreement on section ${s.number}` },
      AGREEMENTS.map(([value, label]) => h("option", { value, selected: value === (s.agreement || "agreed") }, label)));
    select.addEventListener("change", async () => {
      select.disabled = true;
      try {
        await api.put(`/drafts/${draft.id}/sections/${s.section_id}/agreement`, { agreement: select.value });
        pill.className = ["pill", "agreement", `pill-${select.value}`].join(" ");
        pill.textContent = select.value.replace(/_/g, " ");
        toast(`Section ${s.number}: ${pill.textContent}`);
      } catch (err) {
        reportError(err);
        select.value = s.agreement || "agreed";
      } finally {
        select.disabled = false;
      }
    });
    control = select;
  }
  return h("li", { class: `toc-item level-${Math.min(s.level || 1, 4)}` },
    h("a", { class: "toc-link", href: `#/section/${s.section_id}?rev=${s.revision}` },
      h("span", { class: "toc-num" }, s.number), h("span", { class: "toc-title" }, s.title)),
    h("span", { class: "toc-rev" }, `rev. ${s.revision}`), " ", pill, control ? [" ", control] : null);
}

/** Chair: circulate a working draft, or put a circulated one under silence. */
function chairPanel(draft) {
  if (draft.status === "working") {
    const go = button("Circulate", async () => {
      go.disabled = true;
      try {
        await api.post(`/drafts/${draft.id}/circulate`);
        toast(`“${draft.label}” circulated to all delegations`);
        reload(draft.id);
      } catch (err) {
        reportError(err);
        go.disabled = false;
      }
    }, { class: "primary" });
    return h("section", { class: "panel chair-panel", "aria-labelledby": "chair-title" },
      h("h2", { id: "chair-title" }, "Chair"), h("p", { class: "hint" }, "This working draft is visible to chairs and coordinators only."),
      h("div", { class: "actions" }, go));
  }
  if (draft.status === "circulated") {
    const deadline = field("Silence deadline", h("input", { type: "datetime-local", required: true }), "Your local time. Silence is broken by any written objection before then.");
    const save = h("button", { type: "submit", class: "primary" }, "Start silence procedure");
    const form = h("form", { class: "panel chair-panel silence-form", "aria-labelledby": "chair-title" },
      h("h2", { id: "chair-title" }, "Silence procedure"), deadline.wrap, h("div", { class: "actions" }, save));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const date = new Date(deadline.input.value);
      if (Number.isNaN(date.getTime())) return inlineError(form, new Error("Choose a date and time for the deadline."));
      save.disabled = true;
      try {
        await api.post(`/drafts/${draft.id}/silence`, { deadline: date.toISOString() });
        toast("Silence procedure started");
        reload(draft.id);
      } catch (err) {
        inlineError(form, err);
        save.disabled = false;
      }
    });
    return form;
  }
  return null;
}

function silencePanel(draft, user) {
  if (draft.status !== "under_silence") return null;
  const box = h("section", { class: "notice notice-warn silence", "aria-labelledby": "silence-title" },
    h("h2", { id: "silence-title" }, "Under silence procedure"),
    h("p", {}, "Adopted unless a delegation breaks silence before ", time(draft.silence_deadline), "."));
  if (can("objectToSilence", user)) {
    const text = field("Objection", h("textarea", { rows: 4, required: true, maxlength: 20000 }), "Your delegation’s written objection, shown to all delegations.");
    const send = h("button", { type: "submit", class: "primary" }, "Break silence");
    const form = h("form", { class: "break-silence" }, text.wrap, h("div", { class: "actions" }, send));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!text.input.value.trim()) return;
      send.disabled = true;
      try {
        await api.post(`/drafts/${draft.id}/objections`, { text: text.input.value.trim() });
        toast("Silence broken");
        reload(draft.id);
      } catch (err) {
        inlineError(form, err);
        send.disabled = false;
      }
    });
    box.append(form);
  }
  return box;
}

function objectionsList(draft) {
  const items = draft.objections || [];
  if (!items.length) return null;
  return h("section", { class: "notice notice-warn objections", "aria-labelledby": "objections-title" },
    h("h2", { id: "objections-title" }, "Objections (silence broken)"),
    h("ul", {}, items.map((o) => h("li", { class: "objection" }, badge(o.delegation), " ", h("span", { class: "objection-text" }, o.text), " · ", time(o.created_at)))));
}

/** Delegates and chairs: a revised Word file of this draft becomes proposals. */
function importPanel(draft) {
  const file = field("Revised Word file (.docx)", h("input", { type: "file", accept: ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document", required: true }),
    "Export this draft as Word, edit it, and upload it: each changed section becomes a proposal.");
  const send = h("button", { type: "submit", class: "secondary" }, "Import");
  const out = h("div", { class: "import-result", "aria-live": "polite" });
  const form = h("form", { class: "panel import-form", "aria-labelledby": "import-title" },
    h("h2", { id: "import-title" }, "Import from Word"), file.wrap, h("div", { class: "actions" }, send), out);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = file.input.files[0];
    if (!chosen) return;
    const data = new FormData();
    data.append("file", chosen);
    send.disabled = true;
    clear(out);
    try {
      const created = await api.post(`/drafts/${draft.id}/import`, data);
      const list = Array.isArray(created) ? created : [];
      out.append(h("p", {}, list.length ? `${list.length} proposal${list.length === 1 ? "" : "s"} created:` : "No changed sections were found."),
        list.length ? h("ul", {}, list.map((p) => h("li", {}, h("a", { href: `#/proposal/${p.id}` }, `Proposal ${p.id}`), p.section_number ? ` · section ${p.section_number}` : ""))) : null);
    } catch (err) {
      out.append(h("p", { class: "form-error", role: "alert" }, err.detail || err.message || String(err)));
    } finally {
      send.disabled = false;
    }
  });
  return form;
}
