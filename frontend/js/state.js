// The signed-in user, what their role may do, and the guide's outline (cached).

import { api } from "./api.js";

export const DOCUMENT_SLUG = "bpg-1540";

export const session = { user: null, outline: null };

// Mirrors app/auth/policy.py; the server still decides, this only hides
// controls a role can never use.
const ALLOWED = {
  propose: ["delegate", "chair"],
  support: ["delegate", "chair"],
  comment: ["chair", "coordinator", "delegate", "admin"],
  decide: ["chair"],
  edit: ["chair"],
  merge: ["chair"],
  circulate: ["chair"],
  objectToSilence: ["delegate", "chair"],
  importWord: ["delegate", "chair"],
  manageMeetings: ["chair"],
  queue: ["chair", "coordinator"],
  workingDrafts: ["chair", "coordinator"],
};

export function can(action, user = session.user) {
  return Boolean(user && (ALLOWED[action] || []).includes(user.role));
}

export function ownDelegation(item, user = session.user) {
  return Boolean(user && item && item.delegation === user.delegation);
}

export async function loadOutline({ force = false, signal } = {}) {
  if (!session.outline || force) {
    session.outline = await api.get(`/documents/${DOCUMENT_SLUG}`, { signal });
  }
  return session.outline;
}

export function invalidateOutline() {
  session.outline = null;
}

export const OP_GROUPS = {
  intro: { label: "Introduction", hint: "Purpose, scope and key terms" },
  "OP1-OP2": { label: "OP 1–2", hint: "Non-support to non-State actors; prohibitions in national law" },
  "OP3(a)": { label: "OP 3(a)", hint: "Accounting for and securing items" },
  "OP3(b)": { label: "OP 3(b)", hint: "Physical protection" },
  "OP3(c)": { label: "OP 3(c)", hint: "Border controls and law enforcement" },
  "OP3(d)": { label: "OP 3(d)", hint: "Export and trans-shipment controls" },
  "OP6-OP10": { label: "OP 6–10", hint: "Control lists, assistance, dialogue and co-operation" },
  national: { label: "National implementation", hint: "Action plans and national practice" },
  annex: { label: "Annexes", hint: "Checklists and references" },
};

export function opLabel(tag) {
  return (OP_GROUPS[tag] || { label: tag || "Other sections" }).label;
}

export const STATUS_LABELS = {
  draft: "Delegation draft",
  submitted: "Submitted",
  accepted: "Accepted",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
  merged: "Merged",
};
