// Comment threads on a section or a proposal: quote, replies, edit, delete,
// resolve and reopen.

import { api } from "../api.js";
import { h, button, badge, clear, trusted, time, field } from "../dom.js";
import { reportError, toast, inlineError } from "../notify.js";
import { can } from "../state.js";
import { confirmForm } from "./proposal-card.js";

export function commentsPanel({ target, user, signal, revision, onLoaded, onShowQuote }) {
  const base = target.kind === "section" ? `/sections/${target.id}/comments` : `/proposals/${target.id}/comments`;
  let comments = [];
  let quote = null;
  const showResolved = h("input", { type: "checkbox", id: `resolved-${target.kind}-${target.id}` });
  showResolved.addEventListener("change", draw);
  const list = h("div", { class: "threads" });
  const el = h("div", { class: "comments" });
  const formHost = h("div", { class: "comment-compose" });
  const quoteBox = h("div", { class: "quote-preview", hidden: true });
  let textarea = null;

  if (can("comment", user)) {
    const body = field(target.kind === "section" ? "Comment on this section" : "Comment on this proposal",
      h("textarea", { rows: 3, required: true, maxlength: 20000 }),
      target.kind === "section" ? "Select a passage in the text and choose “Comment on selection” to quote it." : null);
    textarea = body.input;
    const send = h("button", { type: "submit", class: "primary" }, "Post comment");
    const form = h("form", { class: "comment-form" }, quoteBox, body.wrap, h("div", { class: "actions" }, send));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = textarea.value.trim();
      if (!text) return textarea.focus();
      send.disabled = true;
      inlineError(form, null);
      try {
        const payload = { body: text };
        if (quote) payload.quote = quote;
        const rev = typeof revision === "function" ? revision() : revision;
        if (rev) payload.revision = rev;
        await api.post(base, payload);
        textarea.value = "";
        setQuote(null);
        toast("Comment posted");
        await refresh();
      } catch (err) {
        inlineError(form, err);
      } finally {
        send.disabled = false;
      }
    });
    formHost.append(form);
  }
  el.append(
    h("div", { class: "panel-tools" }, h("div", { class: "field field-check" }, showResolved, h("label", { for: showResolved.id }, "Show resolved threads"))),
    list, formHost);

  function setQuote(q) {
    quote = q;
    clear(quoteBox);
    quoteBox.hidden = !q;
    if (!q) return;
    quoteBox.append(h("p", { class: "label" }, "Quoting"), h("blockquote", { class: "quote" }, q.exact),
      button("Remove quote", () => setQuote(null), { class: "link-button small" }));
  }

  // A comment belongs to its delegation: any member may edit or delete it;
  // chairs and the commenting delegation may resolve or reopen its thread.
  const isOwn = (c) => Boolean(user && c.delegation === user.delegation);
  const mayResolve = (c) => isOwn(c) || can("decide", user);

  function commentItem(c, root) {
    const item = h("article", { class: ["comment", c.deleted && "deleted"], id: `comment-${c.id}`, tabindex: "-1", "aria-label": `Comment by ${c.author || c.delegation}` });
    item.append(h("header", { class: "comment-header" },
      badge(c.delegation), h("span", { class: "author" }, c.author || ""), time(c.created_at),
      c.edited_at ? h("span", { class: "muted" }, "(edited)") : null,
      c.revision ? h("span", { class: "muted" }, `on rev. ${c.revision}`) : null,
      root && c.resolved ? h("span", { class: "pill pill-resolved" }, "Resolved") : null,
      c.private ? h("span", { class: "chip chip-private", title: "Written on a private draft: only your delegation can read it" }, "internal") : null));
    if (c.quote && c.quote.exact) {
      const q = h("blockquote", { class: ["quote", c.orphaned && "orphaned"] }, c.quote.exact);
      item.append(q);
      if (c.orphaned) item.append(h("p", { class: "hint" }, "The quoted passage is no longer in the current text."));
      else if (onShowQuote) item.append(button("Show in text", () => onShowQuote(c.id), { class: "link-button small" }));
    }
    const body = h("div", { class: "comment-body prose-ui" });
    if (c.deleted) body.append(h("p", { class: "muted" }, "This comment was deleted."));
    else trusted(body, c.body_html);
    item.append(body);
    if (!c.deleted && can("comment", user)) {
      const bar = h("div", { class: "actions", role: "group", "aria-label": "Comment actions" });
      if (root) bar.append(button("Reply", () => replyForm(c, item, bar), { class: "link-button small" }));
      if (isOwn(c)) {
        bar.append(button("Edit", () => editForm(c, body, bar), { class: "link-button small" }));
        bar.append(button("Delete…", () => confirmForm(item, bar, {
          prompt: "Delete this comment?", confirm: "Delete comment", danger: true,
          send: () => api.del(`/comments/${c.id}`), onDone: () => { toast("Comment deleted"); refresh(); },
        }), { class: "link-button small" }));
      }
      if (root && mayResolve(c)) {
        const action = c.resolved ? "reopen" : "resolve";
        const b = button(c.resolved ? "Reopen" : "Resolve", async () => {
          b.disabled = true;
          try {
            await api.post(`/comments/${c.id}/${action}`);
            await refresh();
          } catch (err) {
            reportError(err);
            b.disabled = false;
          }
        }, { class: "link-button small" });
        bar.append(b);
      }
      item.append(bar);
    }
    return item;
  }

  function replyForm(c, item, bar) {
    bar.hidden = true;
    const reply = field("Reply", h("textarea", { rows: 2, required: true }));
    const send = h("button", { type: "submit", class: "primary small" }, "Post reply");
    const form = h("form", { class: "reply-form" }, reply.wrap, h("div", { class: "actions" }, send,
      button("Cancel", () => { form.remove(); bar.hidden = false; }, { class: "secondary small" })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const text = reply.input.value.trim();
      if (!text) return;
      send.disabled = true;
      try {
        await api.post(base, { body: text, parent_id: c.id });
        await refresh();
      } catch (err) {
        inlineError(form, err);
        send.disabled = false;
      }
    });
    item.append(form);
    reply.input.focus();
  }

  function editForm(c, body, bar) {
    bar.hidden = true;
    const edit = field("Edit comment", h("textarea", { rows: 3, required: true, value: c.body }));
    const save = h("button", { type: "submit", class: "primary small" }, "Save");
    const form = h("form", { class: "edit-form" }, edit.wrap, h("div", { class: "actions" }, save,
      button("Cancel", () => { form.replaceWith(body); bar.hidden = false; }, { class: "secondary small" })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      save.disabled = true;
      try {
        await api.patch(`/comments/${c.id}`, { body: edit.input.value.trim() });
        await refresh();
      } catch (err) {
        inlineError(form, err);
        save.disabled = false;
      }
    });
    body.replaceWith(form);
    edit.input.focus();
  }

  function draw() {
    clear(list);
    const roots = comments.filter((c) => !c.parent_id);
    const replies = new Map();
    for (const c of comments) {
      if (c.parent_id) replies.set(c.parent_id, [...(replies.get(c.parent_id) || []), c]);
    }
    const visible = roots.filter((c) => showResolved.checked || !c.resolved);
    const hidden = roots.length - visible.length;
    if (!visible.length) {
      list.append(h("p", { class: "empty" }, roots.length ? "All threads are resolved." : "No comments yet."));
    }
    for (const root of visible) {
      const thread = h("div", { class: ["thread", root.resolved && "resolved"] }, commentItem(root, true));
      const kids = replies.get(root.id) || [];
      if (kids.length) thread.append(h("ol", { class: "replies" }, kids.map((k) => h("li", {}, commentItem(k, false)))));
      list.append(thread);
    }
    if (hidden && !showResolved.checked) list.append(h("p", { class: "hint" }, `${hidden} resolved thread${hidden === 1 ? "" : "s"} hidden.`));
  }

  async function refresh() {
    try {
      comments = await api.get(base, { signal });
      if (!Array.isArray(comments)) comments = comments.items || [];
    } catch (err) {
      if (err.name === "AbortError") return;
      clear(list).append(h("p", { class: "empty" }, err.status === 404 ? "Comments are not available yet." : `Comments could not be loaded: ${err.detail}`));
      return;
    }
    draw();
    if (onLoaded) onLoaded(comments);
  }

  function focusForm() {
    if (textarea) textarea.focus();
  }

  return { el, refresh, setQuote, focusForm, get comments() { return comments; } };
}
