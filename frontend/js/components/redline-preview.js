// Live redline preview: POST /api/redline {old, new}, debounced, latest wins.

import { api } from "../api.js";
import { h, trusted, clear } from "../dom.js";

export function redlinePreview({ label = "Preview" } = {}) {
  const status = h("p", { class: "hint preview-status", role: "status" });
  const out = h("div", { class: "prose redline preview-body" });
  const el = h("section", { class: "preview", "aria-label": label }, h("h2", { class: "preview-title" }, label), status, out);
  let controller = null;
  let timer = null;

  async function run(oldText, newText) {
    if (controller) controller.abort();
    controller = new AbortController();
    status.textContent = "Updating preview…";
    try {
      const result = await api.post("/redline", { old: oldText, new: newText }, { signal: controller.signal });
      trusted(out, result.html);
      const changes = out.querySelectorAll("ins, del").length;
      status.textContent = changes ? `${changes} change${changes === 1 ? "" : "s"} shown` : "No changes yet.";
    } catch (err) {
      if (err.name === "AbortError") return;
      status.textContent = err.status === 404 ? "The live preview is not available on this server yet." : `Preview failed: ${err.detail || err.message}`;
      if (err.status === 404) clear(out);
    }
  }

  function update(oldText, newText, delay = 350) {
    clearTimeout(timer);
    timer = setTimeout(() => run(oldText, newText), delay);
  }

  return { el, update, now: run };
}
