// #/merge (chair): choose accepted proposals, preview the merge, resolve each
// conflict (choose one, write a compromise, or bracket the alternatives), commit.

import { api, query } from "../api.js";
import { h, clear, field, badge, button } from "../dom.js";
import { toast, inlineError, reportError } from "../notify.js";
import { navigate } from "../router.js";
import { DOCUMENT_SLUG, can } from "../state.js";

export async function render({ view, signal, user }) {
  const page = h("div", { class: "page merge" }, h("h1", {}, "Merge accepted proposals"));
  view.append(page);
  if (!can("merge", user)) {
    page.append(h("p", {}, "Only co-chairs merge proposals."));
    return;
  }
  let accepted;
  try {
    const data = await api.get(`/proposals${query({ status: "accepted", limit: 200 })}`, { signal });
    accepted = Array.isArray(data) ? data : data.items || [];
  } catch (err) {
    if (err.name === "AbortError") throw err;
    page.append(h("p", { class: "empty" }, err.status === 404 ? "Proposals are not available on this server yet." : err.detail));
    return;
  }
  const pick = h("form", { class: "merge-pick" });
  const fieldset = h("fieldset", {}, h("legend", {}, `${accepted.length} accepted proposal${accepted.length === 1 ? "" : "s"}`));
  for (const p of accepted) {
    const box = h("input", { type: "checkbox", id: `merge-${p.id}`, value: p.id, checked: true });
    fieldset.append(h("div", { class: "field-check" }, box, h("label", { for: box.id },
      `§ ${p.section_number || "new"} · proposal ${p.id} `, badge(p.delegation), p.title ? ` ${p.title}` : "")));
  }
  const previewBtn = h("button", { type: "submit", class: "primary", disabled: !accepted.length }, "Preview merge");
  pick.append(fieldset, h("div", { class: "actions" }, previewBtn));
  const out = h("div", { class: "merge-preview" });
  page.append(h("p", { class: "lede" }, "Merging applies the accepted proposals to the current text. Conflicting changes are never combined by guesswork: you resolve each one."), pick, out);
  pick.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ids = [...fieldset.querySelectorAll("input:checked")].map((b) => Number(b.value));
    if (!ids.length) return;
    previewBtn.disabled = true;
    try {
      const preview = await api.post(`/documents/${DOCUMENT_SLUG}/merges`, { proposal_ids: ids });
      showPreview(out, preview);
    } catch (err) {
      inlineError(pick, err);
    } finally {
      previewBtn.disabled = false;
    }
  });
}

function showPreview(out, preview) {
  clear(out);
  const resolvers = [];
  for (const s of preview.sections || []) {
    const block = h("section", { class: "card merge-section" },
      h("h2", { class: "card-title" }, `${s.number} ${s.title}`),
      h("span", { class: ["pill", s.clean ? "pill-accepted" : "pill-rejected"] }, s.clean ? "merges cleanly" : `${s.conflicts.length} conflict${s.conflicts.length === 1 ? "" : "s"}`),
      h("details", {}, h("summary", {}, "Merged text (Markdown)"), h("pre", { class: "markdown-source" }, s.merged_body || "")));
    for (const c of s.conflicts || []) resolvers.push(conflictResolver(block, c));
    out.append(block);
  }
  for (const a of preview.additions || []) {
    out.append(h("section", { class: "card merge-section" }, h("h2", { class: "card-title" }, "New section: ", a.title),
      badge(a.delegation), h("pre", { class: "markdown-source" }, a.body)));
  }
  const label = field("Label of the new draft", h("input", { required: true, value: "Rev." }));
  const commit = h("button", { type: "submit", class: "primary" }, "Commit merge");
  const reference = field("Reference", h("input", { maxlength: 120, placeholder: "FSC.GAL/…/Rev.1" }));
  const form = h("form", { class: "panel" }, label.wrap, reference.wrap, h("div", { class: "actions" }, commit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const resolutions = {};
    for (const r of resolvers) {
      const value = r.value();
      if (!value) {
        inlineError(form, { detail: "Resolve every conflict first." });
        r.focus();
        return;
      }
      resolutions[r.id] = value;
    }
    commit.disabled = true;
    try {
      const result = await api.post(`/merges/${preview.id}/commit`, { resolutions, label: label.input.value.trim(), reference: reference.input.value.trim() });
      toast("Merge committed");
      navigate(result && result.id ? `/draft/${result.id}` : "/");
    } catch (err) {
      inlineError(form, err);
      commit.disabled = false;
    }
  });
  out.append(form);
}

function conflictResolver(host, conflict) {
  const name = `conflict-${conflict.id}`;
  const group = h("fieldset", { class: "conflict" }, h("legend", {}, conflict.kind === "title" ? "Conflict in the title" : "Conflict"),
    h("p", { class: "hint" }, "Base text: ", h("q", {}, conflict.base_text || "(nothing)")),
    conflict.bracketed ? h("p", { class: "hint" }, "Bracketed: ", h("q", {}, conflict.bracketed)) : null);
  const radios = [];
  for (const alt of conflict.alternatives || []) {
    const ids = alt.proposal_ids || [];
    const r = h("input", { type: "radio", name, id: `${name}-${ids.join("-") || "current"}`, value: String(ids.length ? ids[0] : 0) });
    radios.push(r);
    group.append(h("div", { class: "field-check alt" }, r, h("label", { for: r.id },
      ids.length ? (alt.delegations || []).map((d) => badge(d)) : h("span", { class: "chip" }, "current text"),
      " ", h("q", {}, alt.text || "(delete)"))));
  }
  const bracket = h("input", { type: "radio", name, id: `${name}-bracket`, value: "bracket" });
  const own = h("input", { type: "radio", name, id: `${name}-text`, value: "text" });
  const text = h("textarea", { rows: 2, "aria-label": "Compromise text" });
  text.addEventListener("focus", () => { own.checked = true; });
  group.append(
    h("div", { class: "field-check" }, bracket, h("label", { for: bracket.id }, "Keep the alternatives in brackets")),
    h("div", { class: "field-check" }, own, h("label", { for: own.id }, "Write a compromise text")), text);
  host.append(group);
  return {
    id: conflict.id,
    focus: () => group.querySelector("input")?.focus(),
    value() {
      const chosen = group.querySelector(`input[name="${name}"]:checked`);
      if (!chosen) return null;
      if (chosen === bracket) return { bracket: true };
      if (chosen === own) return text.value.trim() ? { text: text.value } : null;
      return { choose: Number(chosen.value) };
    },
  };
}
