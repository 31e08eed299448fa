// Propose a change (#/section/{id}/propose[?kind=delete]), a new section
// (#/section/{id}/propose-new) or a new version (#/proposal/{id}/revise):
// a Markdown textarea beside a live redline preview.

import { api } from "../api.js";
import { h, field, button } from "../dom.js";
import { toast, inlineError } from "../notify.js";
import { navigate } from "../router.js";
import { redlinePreview } from "../components/redline-preview.js";
import { DOCUMENT_SLUG } from "../state.js";

export async function render({ view, params, query, path, signal, user }) {
  const mode = path.endsWith("/revise") ? "revise" : path.endsWith("/propose-new") ? "add" : "amend";
  let proposal = null;
  let section = null;
  if (mode === "revise") {
    proposal = await api.get(`/proposals/${params.id}`, { signal });
    if (proposal.section_id) section = await api.get(`/sections/${proposal.section_id}`, { signal });
  } else {
    section = await api.get(`/sections/${params.id}`, { signal });
  }
  const kind = mode === "revise" ? proposal.kind : mode === "add" ? "add" : query.get("kind") === "delete" ? "delete" : "amend";
  const baseText = kind === "add" || !section ? "" : section.body;
  const baseRevision = section ? section.revision : proposal?.base_revision;

  const heading = mode === "revise" ? `Revise proposal ${proposal.id}`
    : kind === "add" ? `Propose a new section near ${section.number}`
    : `Propose a change to ${section.number} ${section.title}`;
  const back = mode === "revise" ? `#/proposal/${proposal.id}` : `#/section/${section.id}`;

  const titleField = field("Title", h("input", { name: "title", maxlength: 300, required: kind === "add",
    value: proposal ? proposal.title || section?.title || "" : kind === "add" ? "" : section.title }));
  const bodyField = field("Text (Markdown)", h("textarea", { name: "body", rows: 18, class: "markdown", spellcheck: "true",
    value: proposal ? proposal.body : kind === "add" ? "" : section.body }),
    "Paragraphs are separated by a blank line; ### starts a sub-heading, - starts a list item, *text* is emphasis.");
  const deleteBox = h("input", { type: "checkbox", id: "propose-delete", checked: kind === "delete" });
  const deleteWrap = kind === "add" ? null : h("div", { class: "field field-check" }, deleteBox, h("label", { for: deleteBox.id }, "Propose deleting this whole section"));
  const placement = kind === "add" && mode !== "revise" ? placementField(section) : null;
  const rationale = field("Rationale", h("textarea", { name: "rationale", rows: 4, required: true, maxlength: 5000, value: proposal ? proposal.rationale || "" : "" }),
    "Why your delegation proposes this, for the co-chairs and other delegations.");

  const preview = redlinePreview({ label: kind === "add" ? "Preview of the new section" : `Redline against revision ${baseRevision}` });
  const currentKind = () => (deleteBox.checked ? "delete" : kind === "delete" ? "amend" : kind);
  const refreshPreview = (delay) => {
    const deleting = currentKind() === "delete";
    bodyField.input.disabled = deleting;
    preview.update(baseText, deleting ? "" : bodyField.input.value, delay);
  };
  bodyField.input.addEventListener("input", () => refreshPreview());
  deleteBox.addEventListener("change", () => refreshPreview(0));

  const form = h("form", { class: "propose-form", "aria-labelledby": "propose-title" });
  const submit = h("button", { type: "submit", class: "primary", value: "submit" }, mode === "revise" ? "Save new version" : "Submit proposal");
  const keepDraft = mode === "revise" ? null : h("button", { type: "submit", class: "secondary", value: "draft" }, "Keep as delegation draft");
  let wantDraft = false;
  keepDraft?.addEventListener("click", () => { wantDraft = true; });
  submit.addEventListener("click", () => { wantDraft = false; });

  const notices = [];
  if (mode === "revise" && section && proposal.base_revision !== section.revision) {
    notices.push(h("p", { class: "notice notice-warn" },
      `This proposal was made on revision ${proposal.base_revision}; the section is now at revision ${section.revision}. `
      + "The new version will be made against the current text: check the redline so you don't undo changes made since."));
  }
  if (mode === "revise" && proposal.status === "draft") {
    notices.push(h("p", { class: "notice" }, "This is still a delegation draft; submit it from the proposal page when your capital agrees."));
  }

  form.append(...notices, h("div", { class: "editor-grid" },
    h("div", { class: "editor-fields" }, titleField.wrap, deleteWrap, placement?.wrap, bodyField.wrap, rationale.wrap,
      h("p", { class: "hint" }, `Proposed by ${user.delegation_name} (${user.delegation}).`),
      h("div", { class: "actions" }, submit, keepDraft, h("a", { class: "button secondary", href: back }, "Cancel"))),
    preview.el));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    inlineError(form, null);
    if (!rationale.input.value.trim()) {
      rationale.input.focus();
      inlineError(form, { detail: "Please give a rationale." });
      return;
    }
    const k = currentKind();
    const payload = { body: k === "delete" ? "" : bodyField.input.value, rationale: rationale.input.value.trim() };
    const t = titleField.input.value.trim();
    if (t) payload.title = t;
    [submit, keepDraft].forEach((b) => b && (b.disabled = true));
    try {
      let result;
      if (mode === "revise") {
        result = await api.post(`/proposals/${proposal.id}/revise`, { ...payload, base_revision: baseRevision });
        toast(`Proposal ${proposal.id} revised (version ${result.version || ""})`);
      } else if (k === "add") {
        result = await api.post(`/documents/${DOCUMENT_SLUG}/proposals`, { kind: "add", ...placement.value(), ...payload, draft: wantDraft });
        toast(wantDraft ? "Kept as a delegation draft" : "Proposal submitted");
      } else {
        result = await api.post(`/sections/${section.id}/proposals`, { ...payload, kind: k, base_revision: baseRevision, draft: wantDraft });
        toast(wantDraft ? "Kept as a delegation draft, visible only to your delegation" : "Proposal submitted");
      }
      navigate(`/proposal/${result.id}`);
    } catch (err) {
      inlineError(form, err);
      form.querySelector(".form-error")?.scrollIntoView({ block: "center" });
      [submit, keepDraft].forEach((b) => b && (b.disabled = false));
    }
  });

  view.append(h("div", { class: "page propose" },
    h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" }, h("ol", {},
      h("li", {}, h("a", { href: "#/" }, "Guide")),
      section ? h("li", {}, h("a", { href: `#/section/${section.id}` }, `${section.number} ${section.title}`)) : null,
      proposal ? h("li", {}, h("a", { href: `#/proposal/${proposal.id}` }, `Proposal ${proposal.id}`)) : null)),
    h("h1", { id: "propose-title" }, heading), form));
  refreshPreview(0);
  bodyField.input.setSelectionRange(0, 0);
  return { focus: kind === "add" ? titleField.input : bodyField.input.disabled ? rationale.input : bodyField.input };
}

function placementField(section) {
  const after = h("input", { type: "radio", name: "placement", id: "place-after", value: "after", checked: true });
  const inside = h("input", { type: "radio", name: "placement", id: "place-inside", value: "inside" });
  const wrap = h("fieldset", { class: "field placement" }, h("legend", {}, "Where should the new section go?"),
    h("div", { class: "field-check" }, after, h("label", { for: after.id }, `After ${section.number} ${section.title}`)),
    h("div", { class: "field-check" }, inside, h("label", { for: inside.id }, `As a subsection of ${section.number}`)));
  return {
    wrap,
    value: () => (inside.checked ? { parent_id: section.id } : { parent_id: section.parent_id ?? undefined, after_id: section.id }),
  };
}
