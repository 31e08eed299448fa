// Short messages in a polite live region; errors stay until dismissed.

import { h, button } from "./dom.js";

function region() {
  return document.getElementById("toasts");
}

export function toast(message, { kind = "info", timeout = 5000 } = {}) {
  const box = region();
  if (!box) return;
  const item = h("div", { class: ["toast", `toast-${kind}`] }, h("p", {}, message));
  item.append(button("Dismiss", () => item.remove(), { class: "link-button", "aria-label": "Dismiss message" }));
  box.append(item);
  if (timeout && kind !== "error") setTimeout(() => item.remove(), timeout);
}

export function reportError(err, context) {
  if (!err || err.name === "AbortError") return;
  const message = err.detail || err.message || String(err);
  toast(context ? `${context}: ${message}` : message, { kind: "error" });
  if (!(err.status >= 400)) console.error(err);
}

/** An inline error box near a form, in addition to the toast. */
export function inlineError(container, err) {
  container.querySelector(":scope > .form-error")?.remove();
  if (!err) return;
  const box = h("p", { class: "form-error", role: "alert" }, err.detail || err.message || String(err));
  container.prepend(box);
}
