// Live updates: one EventSource on /api/events. EventSource cannot send
// headers, and a bearer token in a URL would land in access logs, so each
// connection first asks for a single-use ticket (valid 60 s) and opens
// /api/events?ticket=…. A used ticket cannot reconnect: when the stream drops
// (server restart, token revoked), we ask for a fresh ticket and resume after
// the last event seen. A 401 there signs the user out (api.js).

import { api, ApiError } from "./api.js";

const listeners = new Set();
const statusListeners = new Set();
let source = null;
let retryTimer = null;
let active = false;
let lastEventId = null;

function setStatus(status) {
  statusListeners.forEach((fn) => fn(status));
}

function deliver(message) {
  if (message.lastEventId) lastEventId = message.lastEventId;
  let event;
  try {
    event = JSON.parse(message.data);
  } catch {
    return;
  }
  listeners.forEach((fn) => {
    try {
      fn(event);
    } catch (err) {
      console.error(err);
    }
  });
}

function retry(ms) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(open, ms);
}

async function open() {
  if (!active || !("EventSource" in window)) return;
  let ticket;
  try {
    ({ ticket } = await api.post("/events/ticket"));
  } catch (err) {
    setStatus("offline");
    // 401: the session is over and api.js has signed the user out.
    if (!(err instanceof ApiError && err.status === 401)) retry(30_000);
    return;
  }
  if (!active) return;
  const params = new URLSearchParams({ ticket });
  if (lastEventId) params.set("after", lastEventId);
  const stream = new EventSource(`/api/events?${params}`);
  source = stream;
  stream.onopen = () => setStatus("live");
  // Events are unnamed messages; the action is inside the data.
  stream.onmessage = deliver;
  stream.onerror = () => {
    // The ticket is spent, so the browser's own reconnect cannot succeed:
    // close it and open a new stream with a new ticket.
    stream.close();
    if (source !== stream) return;
    source = null;
    setStatus("reconnecting");
    retry(1_000);
  };
}

export function connect() {
  disconnect();
  active = true;
  open();
}

export function disconnect() {
  active = false;
  clearTimeout(retryTimer);
  if (source) source.close();
  source = null;
  lastEventId = null;
  setStatus("offline");
}

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function onStatus(fn) {
  statusListeners.add(fn);
  return () => statusListeners.delete(fn);
}
