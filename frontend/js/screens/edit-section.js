// #/section/{id}/edit (chair): a new revision, guarded by If-Match.

import { api } from "../api.js";
import { h, field, button } from "../dom.js";
import { toast, inlineError } from "../notify.js";
import { navigate } from "../router.js";
import { redlinePreview } from "../components/redline-preview.js";
import { invalidateOutline } from "../state.js";

export async function render({ view, params, signal }) {
  const section = await api.get(`/sections/${params.id}`, { signal });
  const title = field("Title", h("input", { name: "title", required: true, maxlength: 300, value: section.title }));
  const body = field("Text (Markdown)", h("textarea", { name: "body", rows: 20, class: "markdown", value: section.body }));
  const message = field("Message for the history", h("input", { name: "message", maxlength: 1000 }), "For example: “Editorial corrections agreed at the 3rd meeting”.");
  const preview = redlinePreview({ label: `Changes against revision ${section.revision}` });
  body.input.addEventListener("input", () => preview.update(section.body, body.input.value));
  const save = h("button", { type: "submit", class: "primary" }, "Save revision");
  const form = h("form", { class: "propose-form" }, h("div", { class: "editor-grid" },
    h("div", { class: "editor-fields" }, title.wrap, body.wrap, message.wrap,
      h("div", { class: "actions" }, save, h("a", { class: "button secondary", href: `#/section/${section.id}` }, "Cancel"))),
    preview.el));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    save.disabled = true;
    inlineError(form, null);
    try {
      const updated = await api.put(`/sections/${section.id}`,
        { title: title.input.value.trim(), body: body.input.value, message: message.input.value.trim() },
        { headers: { "If-Match": section.etag } });
      invalidateOutline();
      toast(`Section ${updated.number} saved as revision ${updated.revision}`);
      navigate(`/section/${section.id}`);
    } catch (err) {
      save.disabled = false;
      if (err.status === 412) {
        inlineError(form, { detail: "Someone changed this section since you opened it. Copy your text, then reload to edit the current revision." });
        form.querySelector(".form-error").append(" ", button("Reload", () => navigate(`/section/${section.id}/edit`), { class: "small secondary" }));
      } else {
        inlineError(form, err);
      }
    }
  });
  view.append(h("div", { class: "page propose" },
    h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" }, h("ol", {},
      h("li", {}, h("a", { href: "#/" }, "Guide")),
      h("li", {}, h("a", { href: `#/section/${section.id}` }, `${section.number} ${section.title}`)))),
    h("h1", {}, `Edit ${section.number} ${section.title}`),
    h("p", { class: "lede" }, `As co-chair you edit the text directly; this creates revision ${section.revision + 1}.`),
    form));
  preview.now(section.body, section.body);
  body.input.setSelectionRange(0, 0);
  return { focus: body.input };
}
