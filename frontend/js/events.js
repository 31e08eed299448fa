// Live updates: one EventSource on /api/events (token as a query parameter,
// since EventSource cannot send headers). Screens subscribe and refresh what
// is visible when an event concerns it.


const listeners = new Set();
const statusListeners = new Set();
let source = null;
let retryTimer = null;
let currentToken = null;

function setStatus(status) {
  statusListeners.forEach((fn) => fn(status));
}

export function connect(token) {
  disconnect();
  currentToken = token;
  if (!("EventSource" in window)) return;
  source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
  source.onopen = () => setStatus("live");
  const deliver = (message) => {
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
  };
  // Events are unnamed messages; the action is inside the data.
  source.onmessage = deliver;
  source.onerror = () => {
    if (source && source.readyState === EventSource.CLOSED) {
      setStatus("offline");
      // The browser gave up (e.g. a 404 or 401); try again later, gently.
      retryTimer = setTimeout(() => currentToken && connect(currentToken), 30_000);
    } else {
      setStatus("reconnecting");
    }
  };
}

export function disconnect() {
  clearTimeout(retryTimer);
  if (source) source.close();
  source = null;
  currentToken = null;
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
