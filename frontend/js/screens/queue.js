// #/queue: submitted proposals awaiting a chair's decision, a page at a time.

import { api, query } from "../api.js";
import { h, clear, field, debounce } from "../dom.js";
import { reportError } from "../notify.js";
import { proposalCard } from "../components/proposal-card.js";

const PAGE = 20;

export async function render({ view, signal, user, onEvent }) {
  const delegation = field("Delegation code", h("input", { name: "delegation", maxlength: 8, placeholder: "e.g. USA", autocapitalize: "characters" }));
  const status = field("Status", h("select", { name: "status" },
    h("option", { value: "submitted", selected: true }, "Awaiting decision"),
    h("option", { value: "accepted" }, "Accepted (to merge)"),
    h("option", { value: "rejected" }, "Rejected")));
  const filters = h("form", { class: "filters", "aria-label": "Filter the queue" }, status.wrap, delegation.wrap);
  filters.addEventListener("submit", (e) => { e.preventDefault(); reset(); });
  status.input.addEventListener("change", () => reset());
  delegation.input.addEventListener("input", debounce(() => reset(), 400));
  const list = h("div", { class: "proposal-list" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Load more");
  const summary = h("p", { class: "hint", role: "status" });
  more.addEventListener("click", () => load());
  let offset = 0;

  async function load() {
    more.disabled = true;
    try {
      const data = await api.get(`/proposals${query({ status: status.input.value, delegation: delegation.input.value.trim().toUpperCase(), limit: PAGE, offset })}`, { signal });
      const items = Array.isArray(data) ? data : data.items || [];
      for (const p of items) list.append(proposalCard(p, { user, showSection: true, onChanged: () => reset() }));
      offset += items.length;
      more.hidden = items.length < PAGE;
      summary.textContent = offset ? `${offset} proposal${offset === 1 ? "" : "s"} shown${more.hidden ? "" : "; more available"}.` : "Nothing in the queue.";
    } catch (err) {
      if (err.name === "AbortError") return;
      summary.textContent = err.status === 404 ? "Proposals are not available on this server yet." : "";
      if (err.status !== 404) reportError(err);
    } finally {
      more.disabled = false;
    }
  }
  function reset() {
    offset = 0;
    clear(list);
    return load();
  }
  view.append(h("div", { class: "page queue" },
    h("h1", {}, "Proposals queue"),
    h("p", { class: "lede" }, "Proposals across the guide, by status. Co-chairs accept or reject submitted proposals with a note; accepted ones wait for the next merge."),
    filters, summary, list, more));
  await reset();
  onEvent(debounce((event) => { if (event.object_type === "proposal") reset(); }, 500));
}
