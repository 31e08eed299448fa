// #/admin: users (deactivate, reset password, sign out everywhere), new users,
// delegations. Admin only: the server refuses everyone else, and each user row
// offers only the `actions` the server lists for it.

import { api, query } from "../api.js";
import { h, clear, field, button, debounce } from "../dom.js";
import { inlineError, reportError, toast } from "../notify.js";

const ROLES = [["delegate", "Delegate"], ["chair", "Chair"], ["coordinator", "Coordinator"], ["observer", "Observer"], ["admin", "Admin"]];
const KINDS = [["state", "Participating State"], ["organisation", "Organisation"]];
const label = (pairs, value) => (pairs.find(([v]) => v === value) || [value, value])[1];
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

export async function render({ view, signal, onEvent }) {
  const users = usersSection(signal);
  const delegations = delegationsSection(() => refreshDelegations());
  const newUser = userForm(users.reload);
  view.append(h("div", { class: "page admin" },
    h("h1", {}, "Administration"),
    h("p", { class: "lede" }, "Users, their sign-in sessions and the delegations. Deactivating a user, resetting their password or changing their role signs them out everywhere at once."),
    users.el, newUser.el, delegations.el));

  // Forms are built once; a refresh replaces data and options, never what is being typed.
  async function refreshDelegations() {
    const list = await api.get("/admin/delegations", { signal });
    users.setDelegations(list);
    newUser.setDelegations(list);
    delegations.show(list);
  }
  await Promise.all([refreshDelegations(), users.reload()]);
  onEvent(debounce((event) => {
    if (!event.action || !event.action.startsWith("admin.")) return;
    users.reload({ unlessBusy: true }).catch(reportError);
    if (event.object_type === "delegation") refreshDelegations().catch(reportError);
  }, 500));
}

/** Replace a select's options by `list`'s delegations, keeping the chosen one. */
function delegationOptions(select, list, first) {
  const chosen = select.value;
  select.replaceChildren(...(first ? [first] : []),
    ...list.map((d) => h("option", { value: d.code, selected: d.code === chosen }, `${d.code} · ${d.name}`)));
}

function usersSection(signal) {
  const delegation = field("Delegation", h("select", { name: "delegation" }, h("option", { value: "" }, "All delegations")));
  const active = field("Status", h("select", { name: "active" },
    h("option", { value: "" }, "Active and inactive"), h("option", { value: "true" }, "Active"), h("option", { value: "false" }, "Inactive")));
  const filters = h("form", { class: "filters", "aria-label": "Filter users" }, delegation.wrap, active.wrap);
  const summary = h("p", { class: "hint", role: "status" });
  const body = h("tbody");
  const table = h("table", { class: "data-table users-table" },
    h("caption", { class: "visually-hidden" }, "Users"),
    h("thead", {}, h("tr", {}, ["User", "Role", "Delegation", "Status", "Sessions", "Actions"].map((t) => h("th", { scope: "col", class: t === "Sessions" ? "num" : null }, t)))),
    body);
  // An open confirmation or password form is not swept away by someone else's change.
  const busy = () => Boolean(body.querySelector("tr.row-form:not([hidden])"));
  async function reload({ unlessBusy = false } = {}) {
    if (unlessBusy && busy()) return;
    const params = { delegation: delegation.input.value, active: active.input.value };
    const list = await api.get(`/admin/users${query(params)}`, { signal });
    if (unlessBusy && busy()) return;
    clear(body);
    for (const user of list) body.append(...userRows(user, reload));
    summary.textContent = list.length ? plural(list.length, "user") : "No users match.";
  }
  const refresh = () => reload().catch(reportError);
  filters.addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
  delegation.input.addEventListener("change", refresh);
  active.input.addEventListener("change", refresh);
  const setDelegations = (list) => delegationOptions(delegation.input, list, h("option", { value: "" }, "All delegations"));
  const el = h("section", { class: "admin-section", "aria-labelledby": "users-title" },
    h("h2", { id: "users-title" }, "Users"), filters, summary, h("div", { class: "table-scroll" }, table));
  return { el, reload, setDelegations };
}

function userRows(user, reload) {
  const who = user.username;
  const bar = h("div", { class: "row-actions" });
  const formRow = h("tr", { class: "row-form", hidden: true });
  const cell = h("td", { colspan: 6 });
  formRow.append(cell);
  const done = (message) => { toast(message); return reload(); };
  const open = (form) => {
    clear(cell).append(form);
    formRow.hidden = false;
    bar.hidden = true;
    form.querySelector("input, button[type=submit]")?.focus();
  };
  const close = () => { clear(cell); formRow.hidden = true; bar.hidden = false; };
  const post = (path, body) => api.post(`/admin/users/${user.id}${path}`, body);
  for (const action of user.actions) {
    if (action === "deactivate") {
      bar.append(button("Deactivate", () => open(confirmForm(
        `Deactivate ${who}? They are signed out everywhere at once and cannot sign in until reactivated.`,
        "Deactivate", close, async () => { await post("/deactivate"); await done(`${who} deactivated`); })),
      { class: "danger small", "aria-label": `Deactivate ${who}` }));
    } else if (action === "reactivate") {
      bar.append(button("Reactivate", () => post("/reactivate").then(() => done(`${who} can sign in again`)).catch(reportError),
        { class: "secondary small", "aria-label": `Reactivate ${who}` }));
    } else if (action === "reset_password") {
      bar.append(button("Reset password", () => open(passwordForm(who, close, async (password) => {
        await post("/password", { password });
        await done(`Password of ${who} reset; they were signed out everywhere`);
      })), { class: "secondary small", "aria-label": `Reset password of ${who}` }));
    } else if (action === "revoke_tokens") {
      bar.append(button("Sign out everywhere", () => post("/tokens/revoke")
        .then(({ revoked }) => done(`${who} signed out: ${plural(revoked, "session")} ended`)).catch(reportError),
      { class: "secondary small", "aria-label": `Sign ${who} out everywhere`, disabled: user.live_tokens === 0 }));
    }
  }
  const row = h("tr", { class: user.is_active ? "" : "inactive", dataset: { username: who } },
    h("th", { scope: "row" }, h("span", { class: "user-name" }, user.display_name), h("span", { class: "user-login" }, who)),
    h("td", {}, label(ROLES, user.role)),
    h("td", {}, h("span", { class: "badge badge-delegation" }, user.delegation)),
    h("td", {}, h("span", { class: ["pill", user.is_active ? "pill-accepted" : "pill-rejected"] }, user.is_active ? "Active" : "Inactive")),
    h("td", { class: "num" }, String(user.live_tokens)),
    h("td", {}, bar));
  return [row, formRow];
}

function confirmForm(prompt, confirm, close, send) {
  const ok = h("button", { type: "submit", class: "danger small" }, confirm);
  const form = h("form", { class: "confirm-form" }, h("p", {}, prompt),
    h("div", { class: "actions" }, ok, button("Cancel", close, { class: "secondary small" })));
  submitting(form, ok, send);
  return form;
}

function passwordForm(who, close, send) {
  const password = field(`New password for ${who}`, h("input", { type: "password", autocomplete: "new-password", required: true, minlength: 8, maxlength: 256 }),
    "At least 8 characters. Give it to the user by a separate channel.");
  const ok = h("button", { type: "submit", class: "primary small" }, "Set password");
  const form = h("form", { class: "confirm-form password-form" }, password.wrap,
    h("div", { class: "actions" }, ok, button("Cancel", close, { class: "secondary small" })));
  submitting(form, ok, () => send(password.input.value));
  return form;
}

// Runs `send` on submit, with the button disabled meanwhile and errors shown inline.
function submitting(form, ok, send) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    ok.disabled = true;
    inlineError(form, null);
    try {
      await send();
    } catch (err) {
      if (err.name === "AbortError") return;
      inlineError(form, err);
      ok.disabled = false;
    }
  });
}

function userForm(reload) {
  const username = field("Username", h("input", { name: "username", required: true, maxlength: 64, autocomplete: "off", autocapitalize: "none", spellcheck: "false", placeholder: "delegate.arm" }));
  const name = field("Display name", h("input", { name: "display_name", maxlength: 120, placeholder: "Delegate of Armenia" }));
  const delegation = field("Delegation", h("select", { name: "delegation", required: true }));
  const role = field("Role", h("select", { name: "role", required: true }, ROLES.map(([v, text]) => h("option", { value: v }, text))));
  const password = field("First password", h("input", { name: "password", type: "password", autocomplete: "new-password", required: true, minlength: 8, maxlength: 256 }));
  const ok = h("button", { type: "submit", class: "primary" }, "Add user");
  const form = h("form", { class: "panel admin-form", "aria-labelledby": "new-user-title" },
    h("h2", { id: "new-user-title" }, "Add a user"),
    h("div", { class: "form-grid" }, username.wrap, name.wrap, delegation.wrap, role.wrap, password.wrap),
    h("p", { class: "hint", id: "new-user-hint" }, "Usernames have 2–64 lower-case letters, digits, dots, hyphens or underscores; passwords at least 8 characters. Give the first password to the user by a separate channel."),
    h("div", { class: "actions" }, ok));
  username.input.setAttribute("aria-describedby", "new-user-hint");
  password.input.setAttribute("aria-describedby", "new-user-hint");
  submitting(form, ok, async () => {
    const payload = { username: username.input.value.trim(), delegation: delegation.input.value, role: role.input.value, password: password.input.value };
    if (name.input.value.trim()) payload.display_name = name.input.value.trim();
    const user = await api.post("/admin/users", payload);
    toast(`${user.username} added to ${user.delegation}`);
    form.reset();
    ok.disabled = false;
    await reload();
  });
  return { el: form, setDelegations: (list) => delegationOptions(delegation.input, list) };
}

function delegationsSection(reload) {
  const body = h("tbody");
  const count = h("p", { class: "hint", role: "status" });
  const table = h("table", { class: "data-table delegations-table" },
    h("caption", { class: "visually-hidden" }, "Delegations"),
    h("thead", {}, h("tr", {}, ["Code", "Name", "Kind", "Users"].map((t) => h("th", { scope: "col", class: t === "Users" ? "num" : null }, t)))),
    body);
  function show(delegations) {
    body.replaceChildren(...delegations.map((d) => h("tr", {},
      h("th", { scope: "row" }, h("span", { class: "badge badge-delegation" }, d.code)),
      h("td", {}, d.name),
      h("td", {}, label(KINDS, d.kind)),
      h("td", { class: "num" }, String(d.members)))));
    count.textContent = `${plural(delegations.length, "delegation")}.`;
  }
  const code = field("Code", h("input", { name: "code", required: true, minlength: 2, maxlength: 8, pattern: "[A-Z0-9]{2,8}", autocapitalize: "characters", placeholder: "ARM", "aria-describedby": "new-delegation-hint" }));
  const name = field("Name", h("input", { name: "name", required: true, maxlength: 120, placeholder: "Armenia" }));
  const kind = field("Kind", h("select", { name: "kind" }, KINDS.map(([v, text]) => h("option", { value: v }, text))));
  const ok = h("button", { type: "submit", class: "primary" }, "Add delegation");
  const form = h("form", { class: "panel admin-form", "aria-labelledby": "new-delegation-title" },
    h("h3", { id: "new-delegation-title" }, "Add a delegation"),
    h("div", { class: "form-grid" }, code.wrap, name.wrap, kind.wrap),
    h("p", { class: "hint", id: "new-delegation-hint" }, "The code has 2–8 capital letters or digits (ISO 3166-1 alpha-3 for a State) and cannot change later."),
    h("div", { class: "actions" }, ok));
  submitting(form, ok, async () => {
    const created = await api.post("/admin/delegations", { code: code.input.value.trim(), name: name.input.value.trim(), kind: kind.input.value });
    toast(`Delegation ${created.code} added`);
    form.reset();
    ok.disabled = false;
    await reload();
  });
  const el = h("section", { class: "admin-section", "aria-labelledby": "delegations-title" },
    h("h2", { id: "delegations-title" }, "Delegations"), count, form, h("div", { class: "table-scroll" }, table));
  return { el, show };
}
