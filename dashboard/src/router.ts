/**
 * Hash routes, so the static server needs no fallback: `#/` runs (filters in the query),
 * `#/runs/<id>` one run, `#/definitions`, `#/workers`, `#/settings`.
 */
import { useEffect, useState } from "preact/hooks";

export interface Route {
  path: string;
  params: URLSearchParams;
}

function current(): Route {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = hash.split("?", 2);
  return { path: path || "/", params: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}

export function href(path: string, params?: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params ?? {})) if (value) query.set(name, value);
  const text = query.toString();
  return `#${path}${text ? `?${text}` : ""}`;
}

/** Changes the route; `replace` keeps the history entry (for filter edits). */
export function navigate(to: string, replace = false): void {
  if (replace) {
    history.replaceState(null, "", to);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    location.hash = to.replace(/^#/, "");
  }
}
