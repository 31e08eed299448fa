// One proposal as a redline card: delegation, status, supporters, the redline,
// the rationale, and the actions this user may take on it.

import { api } from "../api.js";
import { h, button, badge, trusted, time, field } from "../dom.js";
import { reportError, toast, inlineError } from "../notify.js";
import { STATUS_LABELS, can, ownDelegation } from "../state.js";

const OPEN = new Set(["draft", "submitted"]);
const KIND_LABELS = { amend: "Amendment", add: "New section", delete: "Deletion" };

export function statusPill(status) {
  return h("span", { class: ["pill", `pill-${status}`] }, STATUS_LABELS[status] || status);
}

/** Which actions the signed-in user may take on `p` (the server still decides). */
export function actionsFor(p, user) {
  if (!user || user.role === "observer") return [];
  const own = ownDelegation(p, user);
  const acts = [];
  if (own && can("propose", user) && OPEN.has(p.status)) acts.push("revise");
  if (own && p.status === "draft") acts.push("submit");
  if (own && OPEN.has(p.status)) acts.push("withdraw");
  if (!own && p.status === "submitted" && can("support", user) && !(p.supporters || []).includes(user.delegation)) acts.push("support");
  if (can("decide", user) && p.status === "submitted") acts.push("accept", "reject");
  return acts;
}

/** Mark top-level blocks without changes so "changes only" can hide them. */
function markUnchanged(root) {
  let changed = 0;
  for (const child of root.children) {
    const has = child.matches("ins, del") || child.querySelector("ins, del");
    child.classList.toggle("unchanged", !has);
    if (has) changed += 1;
  }
  return changed;
}

export function proposalCard(p, { user, onChanged, showSection = false, headingLevel = 3, full = false } = {}) {
  const headingId = `proposal-${p.id}-title`;
  const card = h("article", { class: ["card", "proposal-card", `status-${p.status}`], id: `proposal-${p.id}`, "aria-labelledby": headingId, dataset: { proposalId: p.id } });
  const title = p.title ? `: ${p.title}` : "";
  const heading = h(`h${headingLevel}`, { class: "card-title", id: headingId },
    h("a", { href: `#/proposal/${p.id}` }, `Proposal ${p.id}`), title ? h("span", { class: "card-title-text" }, title) : null);
  const chips = h("div", { class: "chips" },
    badge(p.delegation), statusPill(p.status),
    p.private ? h("span", { class: "chip chip-private", title: "Never submitted: only your delegation can read it" }, "private to your delegation") : null,
    h("span", { class: "chip" }, KIND_LABELS[p.kind] || p.kind),
    p.version > 1 ? h("span", { class: "chip" }, `version ${p.version}`) : null,
    p.base_revision ? h("span", { class: "chip" }, `on rev. ${p.base_revision}`) : null,
    showSection && p.section_id ? h("a", { class: "chip chip-link", href: `#/section/${p.section_id}` }, `§ ${p.section_number || p.section_id}`) : null);
  card.append(h("header", { class: "card-header" }, heading, chips));

  if (p.needs_rebase) {
    card.append(h("p", { class: "notice notice-warn" }, "The section has changed since this proposal was made and it no longer applies cleanly. ",
      ownDelegation(p, user) ? "Revise it against the current text." : "The proposing delegation has been asked to revise it."));
  }

  const redline = trusted(h("div", { class: "prose redline" }), p.redline_html);
  const changedBlocks = markUnchanged(redline);
  const hasContext = redline.querySelector(".unchanged") && changedBlocks > 0;
  if (hasContext && !full) redline.classList.add("changes-only");
  const body = h("div", { class: "card-body" }, redline);
  if (hasContext) {
    const toggle = button(full ? "Show changes only" : "Show full text", () => {
      const only = redline.classList.toggle("changes-only");
      toggle.textContent = only ? "Show full text" : "Show changes only";
      toggle.setAttribute("aria-pressed", only ? "false" : "true");
    }, { class: "link-button small", "aria-pressed": full ? "true" : "false" });
    body.prepend(h("div", { class: "redline-tools" }, toggle));
  }
  card.append(body);

  if (p.rationale) {
    const text = p.rationale_html ? trusted(h("div", { class: "prose-ui" }), p.rationale_html) : h("p", { class: "pre-wrap" }, p.rationale);
    card.append(h("div", { class: "rationale" }, h("h4", {}, "Rationale"), text));
  }
  if (p.supporters && p.supporters.length) {
    card.append(h("p", { class: "supporters" }, h("span", { class: "label" }, "Supported by "), p.supporters.map((code) => badge(code, "badge-support"))));
  }
  if (p.decided_at || p.decision_note) {
    card.append(h("p", { class: "decision" },
      h("strong", {}, `${STATUS_LABELS[p.status] || p.status}`),
      p.decided_by ? ` by ${p.decided_by}` : "", p.decided_at ? [" on ", time(p.decided_at)] : "",
      p.decision_note ? [": ", h("span", { class: "pre-wrap" }, p.decision_note)] : ""));
  }
  if (p.competing && p.competing.length) {
    card.append(h("p", { class: "competing" }, h("span", { class: "label" }, "Competes with "),
      p.competing.map((id, i) => [i ? ", " : "", h("a", { href: `#/proposal/${id}` }, `proposal ${id}`)])));
  }

  const footer = h("footer", { class: "card-footer" });
  footer.append(h("p", { class: "meta" },
    p.author ? `${p.author} · ` : "", time(p.updated_at || p.created_at),
    " · ", h("a", { href: `#/proposal/${p.id}` }, `${p.comment_count || 0} comment${p.comment_count === 1 ? "" : "s"}`)));
  const acts = actionsFor(p, user);
  if (acts.length) footer.append(actionBar(p, acts, footer, onChanged));
  card.append(footer);
  return card;
}

function actionBar(p, acts, footer, onChanged) {
  const bar = h("div", { class: "actions", role: "group", "aria-label": `Actions on proposal ${p.id}` });
  const done = (message) => (updated) => {
    toast(message);
    if (onChanged) onChanged(updated || p);
  };
  const run = async (btn, path, body, message) => {
    btn.disabled = true;
    try {
      const updated = await api.post(path, body);
      done(message)(updated);
    } catch (err) {
      reportError(err, `Proposal ${p.id}`);
      btn.disabled = false;
    }
  };
  for (const act of acts) {
    if (act === "revise") {
      bar.append(h("a", { class: "button secondary small", href: `#/proposal/${p.id}/revise` }, "Revise"));
    } else if (act === "submit") {
      const b = button("Submit", () => run(b, `/proposals/${p.id}/submit`, undefined, `Proposal ${p.id} submitted`), { class: "primary small" });
      bar.append(b);
    } else if (act === "support") {
      const b = button("Support", () => run(b, `/proposals/${p.id}/support`, undefined, `Your delegation now supports proposal ${p.id}`), { class: "secondary small" });
      bar.append(b);
    } else if (act === "withdraw") {
      bar.append(button("Withdraw…", () => confirmForm(footer, bar, {
        prompt: `Withdraw proposal ${p.id}? It will no longer be considered.`, confirm: "Withdraw proposal", danger: true,
        send: () => api.post(`/proposals/${p.id}/withdraw`), onDone: done(`Proposal ${p.id} withdrawn`),
      }), { class: "secondary small" }));
    } else if (act === "accept" || act === "reject") {
      const label = act === "accept" ? "Accept…" : "Reject…";
      bar.append(button(label, () => confirmForm(footer, bar, {
        prompt: act === "accept" ? `Accept proposal ${p.id}?` : `Reject proposal ${p.id}?`,
        confirm: act === "accept" ? "Accept proposal" : "Reject proposal", danger: act === "reject", note: true,
        send: (note) => api.post(`/proposals/${p.id}/decision`, { decision: act, note }),
        onDone: done(`Proposal ${p.id} ${act === "accept" ? "accepted" : "rejected"}`),
      }), { class: act === "accept" ? "primary small" : "secondary small" }));
    }
  }
  return bar;
}

/** Replace the action bar with a small confirmation form (optionally with a note). */
export function confirmForm(host, bar, { prompt, confirm, danger, note, send, onDone }) {
  bar.hidden = true;
  const noteField = note ? field("Note to the delegations", h("textarea", { rows: 2, maxlength: 2000 })) : null;
  const ok = h("button", { type: "submit", class: danger ? "danger small" : "primary small" }, confirm);
  const form = h("form", { class: "confirm-form" }, h("p", {}, prompt), noteField && noteField.wrap,
    h("div", { class: "actions" }, ok, button("Cancel", close, { class: "secondary small" })));
  function close() {
    form.remove();
    bar.hidden = false;
    bar.querySelector("button, a")?.focus();
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    ok.disabled = true;
    try {
      const result = await send(noteField ? noteField.input.value.trim() : undefined);
      form.remove();
      bar.hidden = false;
      onDone(result);
    } catch (err) {
      inlineError(form, err);
      ok.disabled = false;
    }
  });
  host.append(form);
  (noteField ? noteField.input : ok).focus();
}
