// #/meetings: the document's meetings (dates, format, agenda, outcome);
// chairs record new meetings and their outcomes.

import { api } from "../api.js";
import { h, clear, field } from "../dom.js";
import { toast, inlineError } from "../notify.js";
import { navigate } from "../router.js";
import { DOCUMENT_SLUG, can } from "../state.js";

const FORMATS = [["in_person", "In person"], ["online", "Online"], ["hybrid", "Hybrid"]];
const formatLabel = (value) => (FORMATS.find(([v]) => v === value) || [value, value])[1];

const dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
function day(iso) {
  const date = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? String(iso || "") : dayFormat.format(date);
}
function dates(m) {
  const from = h("time", { datetime: m.starts_on }, day(m.starts_on));
  if (!m.ends_on || m.ends_on === m.starts_on) return from;
  return [from, " – ", h("time", { datetime: m.ends_on }, day(m.ends_on))];
}

async function listDrafts(signal) {
  const data = await api.get(`/documents/${DOCUMENT_SLUG}/drafts`, { signal });
  return Array.isArray(data) ? data : data.items || [];
}

export async function render({ view, signal, user }) {
  const chair = can("manageMeetings", user);
  const list = h("ol", { class: "meeting-list" });
  const page = h("div", { class: "page meetings" }, h("h1", {}, "Meetings"),
    h("p", { class: "lede" }, "Meetings of the informal group: format, agenda, the draft discussed and the outcome."), list);
  view.append(page);
  let meetings = [];
  try {
    meetings = await api.get(`/documents/${DOCUMENT_SLUG}/meetings`, { signal });
  } catch (err) {
    if (err.name === "AbortError") return;
    list.append(h("li", { class: "empty" }, err.detail || String(err)));
  }
  let drafts = [];
  try {
    drafts = await listDrafts(signal);
  } catch (err) {
    if (err.name === "AbortError") return;
  }
  const draftLabels = new Map(drafts.map((d) => [d.id, d.label || `Draft ${d.id}`]));
  for (const m of [...meetings].reverse()) list.append(meetingCard(m, chair, draftLabels));
  if (!meetings.length && !list.childElementCount) list.append(h("li", { class: "empty" }, "No meetings recorded yet."));
  if (chair) page.append(createForm(drafts));
}

function meetingCard(m, chair, draftLabels) {
  const headingId = `meeting-${m.id}`;
  const outcome = h("div", { class: "meeting-outcome" });
  const showOutcome = (text) => {
    clear(outcome);
    outcome.append(h("h3", {}, "Outcome"), text ? h("p", { class: "pre" }, text) : h("p", { class: "hint" }, "No outcome recorded yet."));
  };
  showOutcome(m.outcome);
  const card = h("li", { class: "card meeting", "aria-labelledby": headingId },
    h("h2", { class: "card-title", id: headingId }, m.title),
    h("p", { class: "meta" }, dates(m), " · ", h("span", { class: ["pill", "pill-submitted"] }, formatLabel(m.format)),
      m.venue ? ` · ${m.venue}` : ""),
    m.draft_id ? h("p", {}, "Draft: ", h("a", { href: `#/draft/${m.draft_id}` }, draftLabels.get(m.draft_id) || `Draft ${m.draft_id}`)) : null,
    m.agenda ? [h("h3", {}, "Agenda"), h("p", { class: "pre" }, m.agenda)] : null,
    outcome,
    (m.proposal_ids || []).length ? h("p", { class: "hint" }, "Proposals decided: ",
      m.proposal_ids.map((id, i) => [i ? ", " : "", h("a", { href: `#/proposal/${id}` }, String(id))])) : null);
  if (chair) {
    const text = field("Record outcome", h("textarea", { rows: 3, maxlength: 20000, value: m.outcome || "" }));
    text.input.setAttribute("aria-label", `Outcome of ${m.title}`);
    const save = h("button", { type: "submit", class: "secondary" }, "Save outcome");
    const form = h("form", { class: "outcome-form" }, text.wrap, h("div", { class: "actions" }, save));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      save.disabled = true;
      try {
        const updated = await api.patch(`/meetings/${m.id}`, { outcome: text.input.value.trim() });
        showOutcome(updated.outcome);
        inlineError(form, null);
        toast("Outcome saved");
      } catch (err) {
        inlineError(form, err);
      } finally {
        save.disabled = false;
      }
    });
    card.append(form);
  }
  return card;
}

function createForm(drafts) {
  const title = field("Title", h("input", { required: true, maxlength: 300, placeholder: "Informal meeting of the group" }));
  const starts = field("Starts on", h("input", { type: "date", required: true }));
  const ends = field("Ends on", h("input", { type: "date" }), "Leave empty for a one-day meeting.");
  const format = field("Format", h("select", { required: true }, FORMATS.map(([v, label]) => h("option", { value: v }, label))));
  const venue = field("Venue", h("input", { maxlength: 300, placeholder: "Hofburg, Vienna / video conference" }));
  const agenda = field("Agenda", h("textarea", { rows: 4, maxlength: 20000 }));
  const draft = field("Draft discussed", h("select", {}, h("option", { value: "" }, "None")));
  for (const d of [...drafts].reverse()) draft.input.append(h("option", { value: d.id }, d.label || `Draft ${d.id}`));
  const save = h("button", { type: "submit", class: "primary" }, "Record meeting");
  const form = h("form", { class: "panel create-meeting", "aria-labelledby": "create-meeting-title" },
    h("h2", { id: "create-meeting-title" }, "Record a meeting"),
    title.wrap, starts.wrap, ends.wrap, format.wrap, venue.wrap, agenda.wrap, draft.wrap,
    h("div", { class: "actions" }, save));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    save.disabled = true;
    const payload = {
      title: title.input.value.trim(), starts_on: starts.input.value, format: format.input.value,
      venue: venue.input.value.trim(), agenda: agenda.input.value.trim(),
    };
    if (ends.input.value) payload.ends_on = ends.input.value;
    if (draft.input.value) payload.draft_id = Number(draft.input.value);
    try {
      const meeting = await api.post(`/documents/${DOCUMENT_SLUG}/meetings`, payload);
      toast(`Meeting “${meeting.title}” recorded`);
      navigate("/meetings");
    } catch (err) {
      inlineError(form, err);
      save.disabled = false;
    }
  });
  return form;
}
