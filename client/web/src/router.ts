// The hash router: the app's location is the URL fragment (#/projects/p1),
// which the server never sees. Routes are declared in routes.ts.
import { signal } from "@preact/signals";
import type { ComponentType } from "preact";

export type Params = Record<string, string>;

export interface RouteProps {
  params: Params;
}

export interface Route {
  /** "/projects/:project/rounds/:round": ":name" binds one path segment. */
  path: string;
  view: ComponentType<RouteProps>;
  /** The document title (and the breadcrumb's last label). */
  title: string | ((params: Params) => string);
  /** Shown to signed-out visitors (the sign-in screens). */
  public?: boolean;
  /**
   * A link to this route that the project overview shows: on "project", in
   * the project's navigation; on "round", beside each round (":round" filled
   * in). `roles` limits it to members with one of those roles.
   */
  link?: { on: "project" | "round"; label: string; roles?: string[] };
}

function fragmentPath(): string {
  const hash = window.location.hash.replace(/^#/, "");
  return hash.startsWith("/") ? hash : "/" + hash;
}

/** The current fragment path, "/projects/p1". */
export const currentPath = signal(fragmentPath());
window.addEventListener("hashchange", () => {
  currentPath.value = fragmentPath();
});

export function navigate(to: string): void {
  window.location.hash = "#" + to;
}

/** Changes the URL without a history entry (e.g. after using a sign-in code). */
export function replace(to: string): void {
  history.replaceState(null, "", "#" + to);
  currentPath.value = to;
}

/** "/projects/:project" and ["p1"] → "/projects/p1". */
export function href(pattern: string, params: Params): string {
  return (
    "#" +
    pattern.replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ""))
  );
}

export interface Match {
  route: Route;
  params: Params;
}

export function match(routes: Route[], path: string): Match | null {
  const parts = path.split("/").filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split("/").filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Params = {};
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const p = pattern[i]!;
      const part = parts[i]!;
      if (p.startsWith(":")) {
        try {
          params[p.slice(1)] = decodeURIComponent(part);
        } catch {
          ok = false;
        }
      } else if (p !== part) {
        ok = false;
      }
    }
    if (ok) return { route, params };
  }
  return null;
}
