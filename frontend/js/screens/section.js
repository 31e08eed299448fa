// #/section/{id}: the text (any revision), proposals, comments and history.

import { api, query } from "../api.js";
import { h, append, button, clear, trusted, time, badge, debounce } from "../dom.js";
import { toast, reportError } from "../notify.js";
import { renderToc } from "../components/toc.js";
import { tabs } from "../components/tabs.js";
import { proposalsPanel } from "../components/proposals.js";
import { commentsPanel } from "../components/comments.js";
import { historyPanel } from "../components/history.js";
import { selectionQuote, highlightQuotes } from "../components/quote.js";
import { can, loadOutline, opLabel, invalidateOutline } from "../state.js";

export function sidebarLayout(sections, currentId, content) {
  const toc = renderToc(sections, { currentId, compact: true, id: "side-toc" });
  const toggle = h("button", { type: "button", class: "toc-toggle secondary", "aria-expanded": "false", "aria-controls": "sidebar" }, "Contents");
  const aside = h("aside", { class: "sidebar", id: "sidebar" }, toc);
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    aside.classList.toggle("open", open);
  });
  const layout = h("div", { class: "with-sidebar" }, toggle, aside, content);
  requestAnimationFrame(() => toc.querySelector('[aria-current="page"]')?.scrollIntoView({ block: "center" }));
  return layout;
}

export async function render({ view, params, query: q, signal, user, onEvent, onCleanup }) {
  const id = params.id;
  const requested = q.get("rev");
  const [outline, first] = await Promise.all([
    loadOutline({ signal }),
    api.get(`/sections/${id}${query({ revision: requested })}`, { signal }),
  ]);
  let sec = first;
  const article = h("article", { class: "section-view", "aria-labelledby": "section-title" });
  view.append(sidebarLayout(outline.sections, id, article));

  const crumbs = h("nav", { class: "breadcrumb", "aria-label": "Breadcrumb" },
    h("ol", {}, h("li", {}, h("a", { href: "#/" }, "Guide")), h("li", {}, opLabel(sec.op_tag))));
  const title = h("h1", { id: "section-title", class: "section-title" });
  const meta = h("p", { class: "section-meta" });
  const oldNotice = h("div", { class: "notice", role: "note", hidden: true });
  const body = h("div", { class: "prose section-body", id: "section-body" });
  const quoteButton = button("Comment on selection", () => commentOnSelection(), { class: "secondary", "aria-disabled": "true", "aria-describedby": "quote-hint" });
  const quoteHint = h("span", { class: "hint", id: "quote-hint" }, "Select a passage of the text to quote it in a comment.");
  const tools = h("div", { class: "toolbar", role: "group", "aria-label": "Section actions" });
  if (can("propose", user)) {
    tools.append(
      h("a", { class: "button primary", href: `#/section/${id}/propose` }, "Propose a change"),
      h("a", { class: "button secondary", href: `#/section/${id}/propose?kind=delete` }, "Propose deletion"),
      h("a", { class: "button secondary", href: `#/section/${id}/propose-new` }, "Propose a new section"));
  }
  if (can("edit", user)) tools.append(h("a", { class: "button secondary", href: `#/section/${id}/edit` }, "Edit text"));
  if (can("comment", user)) tools.append(quoteButton, quoteHint);
  append(article, [h("header", { class: "section-header" }, crumbs, title, meta), oldNotice, tools.childElementCount ? tools : null, body]);

  const proposals = proposalsPanel({ section: sec, user, signal, onCount: (n) => panels.setCount("proposals", n) });
  const comments = commentsPanel({
    target: { kind: "section", id }, user, signal, revision: () => sec.revision,
    onLoaded: (list) => {
      panels.setCount("comments", list.filter((c) => !c.parent_id && !c.resolved && !c.deleted).length);
      paintBody();
    },
    onShowQuote: (commentId) => {
      const mark = body.querySelector(`mark[data-comment-id="${commentId}"]`);
      if (!mark) return toast("That passage is not in the revision shown.");
      mark.scrollIntoView({ block: "center", behavior: "smooth" });
      mark.classList.add("flash");
      setTimeout(() => mark.classList.remove("flash"), 1600);
    },
  });
  const history = historyPanel({ sectionId: id, signal, shownRevision: requested });
  const panels = tabs([
    { id: "proposals", label: "Proposals", panel: proposals.el },
    { id: "comments", label: "Comments", panel: comments.el },
    { id: "history", label: "History", panel: history.el },
  ], { initial: q.get("tab") || "proposals", label: "Proposals, comments and history" });
  article.append(panels.el);

  function paintBody() {
    trusted(body, sec.body_html);
    highlightQuotes(body, comments.comments || [], (commentId) => {
      panels.select("comments");
      const target = document.getElementById(`comment-${commentId}`);
      if (target) {
        target.scrollIntoView({ block: "center" });
        target.focus({ preventScroll: true });
      }
    });
  }

  function showSection() {
    title.replaceChildren(h("span", { class: "section-number" }, sec.number), " ", sec.title);
    const isHead = sec.revision === sec.head;
    append(clear(meta), [
      h("span", { class: "rev" }, `Revision ${sec.revision}`, h("span", { class: "muted" }, isHead ? " (current)" : ` of ${sec.head}`)),
      h("span", { "aria-hidden": "true" }, "·"), time(sec.updated_at),
      sec.delegation ? [h("span", { "aria-hidden": "true" }, "·"), badge(sec.delegation)] : null]);
    oldNotice.hidden = isHead;
    clear(oldNotice);
    if (!isHead) {
      oldNotice.append(`You are reading revision ${sec.revision}; the current text is revision ${sec.head}. `,
        h("a", { href: `#/section/${id}` }, "Read the current text"));
    }
    paintBody();
  }
  showSection();

  let lastQuote = null;
  const onSelection = () => {
    const quote = selectionQuote(body);
    if (quote) lastQuote = quote;
    else if (!document.activeElement || document.activeElement !== quoteButton) lastQuote = null;
    quoteButton.setAttribute("aria-disabled", quote || lastQuote ? "false" : "true");
  };
  document.addEventListener("selectionchange", onSelection);
  onCleanup(() => document.removeEventListener("selectionchange", onSelection));

  function commentOnSelection() {
    const quote = selectionQuote(body) || lastQuote;
    if (!quote) {
      toast("First select a passage in the section text.");
      return;
    }
    comments.setQuote(quote);
    panels.select("comments");
    comments.focusForm();
  }

  // Panels load lazily, in parallel; one failure doesn't break the others.
  proposals.refresh();
  comments.refresh();
  history.refresh().catch(reportError);

  const refreshProposals = debounce(() => proposals.refresh(), 400);
  const refreshComments = debounce(() => comments.refresh(), 400);
  const elsewhere = (event) => event.data && event.data.section_id != null && String(event.data.section_id) !== String(id);
  onEvent(async (event) => {
    if (event.object_type === "proposal" && !elsewhere(event)) refreshProposals();
    else if (event.object_type === "comment" && !elsewhere(event)) refreshComments();
    else if (event.action === "merge.committed") refreshProposals();
    else if (event.object_type === "section" && String(event.object_id) === String(id)) {
      invalidateOutline();
      history.refresh().catch(() => {});
      if (requested) return;
      try {
        sec = await api.get(`/sections/${id}`, { signal });
        showSection();
        toast(`Section ${sec.number} was updated to revision ${sec.revision}.`);
      } catch (err) {
        reportError(err);
      }
    }
  });
}
