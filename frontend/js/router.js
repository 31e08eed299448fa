// Hash routes: "#/section/12?rev=3" → {path: "/section/12", params: {id: "12"}, query}.

const routes = [];

export function route(pattern, screen) {
  const keys = [];
  const source = pattern.replace(/:(\w+)/g, (_, key) => {
    keys.push(key);
    return "([^/]+)";
  });
  routes.push({ regex: new RegExp(`^${source}$`), keys, screen, pattern });
}

export function parse(hash = location.hash) {
  const raw = hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path: path || "/", query: new URLSearchParams(search) };
}

export function match(path) {
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (m) {
      const params = {};
      r.keys.forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]); });
      return { screen: r.screen, params, pattern: r.pattern };
    }
  }
  return null;
}

export function navigate(path) {
  const target = `#${path}`;
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = target;
}

export function onChange(handler) {
  window.addEventListener("hashchange", () => handler(parse()));
}
