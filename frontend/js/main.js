// Boot: who is signed in, the top bar, the router, the live event stream.

import { api, clearToken, getToken } from "./api.js";
import { h, clear, button, badge } from "./dom.js";
import * as events from "./events.js";
import { reportError, toast } from "./notify.js";
import { match, navigate, onChange, parse, route } from "./router.js";
import { can, session } from "./state.js";
import * as login from "./screens/login.js";
import * as guide from "./screens/guide.js";
import * as section from "./screens/section.js";
import * as propose from "./screens/propose.js";
import * as editSection from "./screens/edit-section.js";
import * as proposal from "./screens/proposal.js";
import * as queue from "./screens/queue.js";
import * as drafts from "./screens/drafts.js";
import * as merge from "./screens/merge.js";
import * as meetings from "./screens/meetings.js";
import * as admin from "./screens/admin.js";
import * as account from "./screens/account.js";

route("/login", login);
route("/", guide);
route("/section/:id", section);
route("/section/:id/propose", propose);
route("/section/:id/propose-new", propose);
route("/section/:id/edit", editSection);
route("/proposal/:id", proposal);
route("/proposal/:id/revise", propose);
route("/queue", queue);
route("/drafts", drafts);
route("/draft/:id", drafts);
route("/merge", merge);
route("/meetings", meetings);
route("/admin", admin);
route("/account", account);

const notFound = {
  render({ view }) {
    view.append(
      h("h1", {}, "Page not found"),
      h("p", {}, "There is nothing at this address. ", h("a", { href: "#/" }, "Return to the guide"), "."),
    );
  },
};

let current = null;

function renderTopbar() {
  const bar = document.getElementById("topbar");
  clear(bar);
  const brand = h("a", { class: "brand", href: "#/" }, h("span", { class: "brand-name" }, "Compendium"),
    h("span", { class: "brand-sub" }, "UNSCR 1540 Best Practice Guide"));
  bar.append(brand);
  const user = session.user;
  if (!user) return;
  const links = [["#/", "Guide"]];
  if (can("queue")) links.push(["#/queue", "Queue"]);
  links.push(["#/drafts", "Drafts"]);
  links.push(["#/meetings", "Meetings"]);
  if (can("merge")) links.push(["#/merge", "Merge"]);
  if ((user.permissions || []).includes("manage_users")) links.push(["#/admin", "Admin"]);
  const nav = h("nav", { class: "mainnav", "aria-label": "Main" },
    h("ul", {}, links.map(([href, label]) => h("li", {}, h("a", { href, dataset: { nav: href } }, label)))));
  const live = h("span", { class: "live live-offline", title: "Live updates" }, h("span", { class: "live-dot", "aria-hidden": "true" }), h("span", { class: "live-text" }, "offline"));
  events.onStatus((status) => {
    live.className = `live live-${status}`;
    live.querySelector(".live-text").textContent = status;
  });
  const who = h("div", { class: "who" },
    h("a", { class: "who-name", href: "#/account", title: "Your account and password" }, user.display_name || user.username),
    h("span", { class: "who-role" }, user.role),
    h("abbr", { class: "badge badge-delegation", title: user.delegation_name }, user.delegation),
    live);
  bar.append(nav, who, button("Sign out", signOutHere, { class: "secondary small signout" }));
  markNav();
}

function markNav() {
  const { path } = parse();
  document.querySelectorAll(".mainnav a").forEach((a) => {
    const target = a.dataset.nav.slice(1);
    const active = target === "/" ? path === "/" || path.startsWith("/section") || path.startsWith("/proposal")
      : path.startsWith(target) || (target === "/drafts" && path.startsWith("/draft"));
    if (active) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  });
}

// The button: the server revokes this token (the request reads it before it is cleared).
function signOutHere() {
  api.post("/auth/logout").catch(() => {});
  signOut();
}

function signOut(message) {
  clearToken();
  events.disconnect();
  session.user = null;
  session.outline = null;
  renderTopbar();
  if (typeof message === "string") toast(message, { kind: "error" });
  navigate("/login");
}

async function loadUser() {
  session.user = await api.get("/auth/me");
  renderTopbar();
  events.connect();
}

async function show({ path, query }) {
  if (!session.user && path !== "/login") {
    if (getToken()) {
      try {
        await loadUser();
      } catch (err) {
        reportError(err);
        return navigate(`/login?next=${encodeURIComponent(path)}`);
      }
    } else {
      return navigate(`/login?next=${encodeURIComponent(path)}`);
    }
  }
  if (session.user && path === "/login") return navigate("/");
  const found = match(path);
  const screen = found ? found.screen : notFound;
  if (current) {
    current.controller.abort();
    current.cleanups.forEach((fn) => fn());
    current.view.remove();
  }
  const main = document.getElementById("main");
  clear(main);
  const view = h("div", { class: "view" });
  main.append(view);
  const controller = new AbortController();
  const cleanups = [];
  current = { controller, cleanups, view };
  markNav();
  const ctx = {
    view, params: found ? found.params : {}, query, path, user: session.user, signal: controller.signal,
    onCleanup: (fn) => cleanups.push(fn),
    onEvent: (fn) => cleanups.push(events.subscribe(fn)),
    onSignedIn: async (next) => {
      await loadUser();
      navigate(next || "/");
    },
  };
  view.setAttribute("aria-busy", "true");
  let result = null;
  try {
    result = await screen.render(ctx);
  } catch (err) {
    if (err.name === "AbortError") return;
    view.append(h("div", { class: "panel error-panel", role: "alert" },
      h("h1", {}, err.status === 404 ? "Not found" : "Something went wrong"),
      h("p", {}, err.detail || err.message || String(err)),
      h("p", {}, h("a", { href: "#/" }, "Return to the guide"))));
  } finally {
    view.removeAttribute("aria-busy");
  }
  if (controller.signal.aborted) return;
  const heading = view.querySelector("h1");
  if (heading) {
    document.title = `${heading.textContent} · Compendium`;
  }
  if (result && result.focus) {
    result.focus.focus();
  } else if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  window.scrollTo(0, 0);
}

window.addEventListener("compendium:signed-out", (e) => {
  if (session.user) signOut(e.detail);
});

onChange(show);
renderTopbar();
show(parse());
