// fetch wrapper: bearer token from sessionStorage, JSON in and out, errors as
// ApiError carrying the server's `detail` in words a user can read.

const TOKEN_KEY = "compendium.token";

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
    this.detail = detail;
  }
}

export const getToken = () => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (token) => sessionStorage.setItem(TOKEN_KEY, token);
export const clearToken = () => sessionStorage.removeItem(TOKEN_KEY);

export function formatDetail(detail, fallback = "Request failed") {
  if (!detail) return fallback;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((d) => {
        const where = (d.loc || []).filter((p) => p !== "body").join(".");
        return where ? `${where}: ${d.msg}` : d.msg || JSON.stringify(d);
      })
      .join("; ");
  }
  return JSON.stringify(detail);
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

export async function request(path, { method = "GET", body, form, headers = {}, signal, raw = false } = {}) {
  const hdrs = { Accept: "application/json", ...headers };
  const token = getToken();
  if (token) hdrs.Authorization = `Bearer ${token}`;
  let payload;
  if (form) {
    payload = new URLSearchParams(form);
  } else if (body instanceof FormData) {
    payload = body; // the browser sets the multipart boundary itself
  } else if (body !== undefined) {
    hdrs["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(`/api${path}`, { method, headers: hdrs, body: payload, signal });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, "The server cannot be reached. Check your connection and try again.");
  }
  if (res.status === 401 && token) {
    clearToken();
    window.dispatchEvent(new CustomEvent("compendium:signed-out", { detail: "Your session has ended. Please sign in again." }));
  }
  if (raw && res.ok) return res;
  const type = res.headers.get("content-type") || "";
  let data;
  try {
    data = res.status === 204 ? null : type.includes("json") ? await res.json() : await res.text();
  } catch (err) {
    // A screen that is left while its body is still arriving aborts the read:
    // that is not an empty answer, and callers must not draw it as one.
    if (err.name === "AbortError" || (signal && signal.aborted)) throw new DOMException("aborted", "AbortError");
    if (res.ok) throw new ApiError(res.status, "The server sent an answer that could not be read. Try again.");
    data = null;
  }
  if (!res.ok) {
    const detail = data && typeof data === "object" ? data.detail : null;
    throw new ApiError(res.status, formatDetail(detail, `${res.status} ${res.statusText || "error"}`));
  }
  return data;
}

export const api = {
  get: (path, opts) => request(path, { ...opts, method: "GET" }),
  post: (path, body, opts) => request(path, { ...opts, method: "POST", body }),
  put: (path, body, opts) => request(path, { ...opts, method: "PUT", body }),
  patch: (path, body, opts) => request(path, { ...opts, method: "PATCH", body }),
  del: (path, opts) => request(path, { ...opts, method: "DELETE" }),
};

export async function signIn(username, password) {
  const data = await request("/auth/token", { method: "POST", form: { username, password } });
  setToken(data.access_token);
  return data;
}

/** Download an authenticated file (exports) through a blob URL. */
export async function download(path, fallbackName) {
  const res = await request(path, { raw: true, headers: { Accept: "*/*" } });
  const disposition = res.headers.get("content-disposition") || "";
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const name = match ? decodeURIComponent(match[1]) : fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
