// #/login: username and password → bearer token.

import { signIn } from "../api.js";
import { h, field } from "../dom.js";
import { inlineError } from "../notify.js";

export function render({ view, query, onSignedIn }) {
  const username = field("Username", h("input", { name: "username", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" }));
  const password = field("Password", h("input", { name: "password", type: "password", autocomplete: "current-password", required: true }));
  const submit = h("button", { type: "submit", class: "primary" }, "Sign in");
  const form = h("form", { class: "login-form", "aria-labelledby": "login-title" },
    username.wrap, password.wrap, h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    inlineError(form, null);
    try {
      await signIn(username.input.value.trim(), password.input.value);
      await onSignedIn(query.get("next"));
    } catch (err) {
      inlineError(form, err.status === 401 ? { detail: "Unknown username or wrong password." } : err);
      password.input.select();
      submit.disabled = false;
    }
  });
  view.append(h("section", { class: "panel login" },
    h("h1", { id: "login-title" }, "Sign in"),
    h("p", { class: "lede" }, "Collaborative drafting of the OSCE Best Practice Guide for Implementation of UNSCR 1540."),
    form));
  return { focus: username.input };
}
