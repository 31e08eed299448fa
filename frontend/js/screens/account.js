// #/account: who you are, and changing your password (your other sessions end;
// this one goes on).

import { api } from "../api.js";
import { h, field } from "../dom.js";
import { inlineError, toast } from "../notify.js";

export function render({ view, user }) {
  const current = field("Current password", h("input", { type: "password", name: "current-password", autocomplete: "current-password", required: true, maxlength: 256 }));
  const next = field("New password", h("input", { type: "password", name: "new-password", autocomplete: "new-password", required: true, minlength: 8, maxlength: 256 }),
    "At least 8 characters.");
  const repeat = field("Repeat the new password", h("input", { type: "password", name: "repeat-password", autocomplete: "new-password", required: true, minlength: 8, maxlength: 256 }));
  const ok = h("button", { type: "submit", class: "primary" }, "Change password");
  const form = h("form", { class: "panel account-form", "aria-labelledby": "password-title" },
    h("h2", { id: "password-title" }, "Change password"),
    h("p", { class: "hint" }, "Your other sessions (other browsers, other devices) are signed out; this one goes on."),
    current.wrap, next.wrap, repeat.wrap, h("div", { class: "actions" }, ok));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    inlineError(form, null);
    if (next.input.value !== repeat.input.value) {
      inlineError(form, { detail: "The new passwords do not match." });
      repeat.input.focus();
      return;
    }
    ok.disabled = true;
    try {
      await api.post("/auth/password", { current_password: current.input.value, new_password: next.input.value });
      form.reset();
      toast("Password changed. Your other sessions were signed out.");
    } catch (err) {
      const wrong = err.status === 403;
      inlineError(form, wrong ? { detail: "The current password is not correct." } : err);
      (wrong ? current.input : next.input).focus();
    } finally {
      ok.disabled = false;
    }
  });
  view.append(h("div", { class: "page account" },
    h("h1", {}, "Your account"),
    h("dl", { class: "account-facts" },
      h("dt", {}, "Name"), h("dd", {}, user.display_name || user.username),
      h("dt", {}, "Username"), h("dd", {}, user.username),
      h("dt", {}, "Role"), h("dd", { class: "capitalize" }, user.role),
      h("dt", {}, "Delegation"), h("dd", {}, `${user.delegation} · ${user.delegation_name}`)),
    form));
  return { focus: current.input };
}
