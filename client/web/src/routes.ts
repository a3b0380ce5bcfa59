// Every screen of the app, one line each: the first route whose path matches
// the fragment is shown. Add a screen by adding a line (and its import).
import type { Route } from "./router";
import { SignIn } from "./screens/signin";
import { Projects } from "./screens/projects";
import { ProjectOverview } from "./screens/overview";
import { RoundDocuments } from "./coder/round";
import { DocumentView } from "./coder/document";

export const routes: Route[] = [
  // Everyone
  { path: "/signin", view: SignIn, title: "Sign in", public: true },
  { path: "/signin/:code", view: SignIn, title: "Sign in", public: true },
  { path: "/", view: Projects, title: "Your projects" },
  { path: "/projects", view: Projects, title: "Your projects" },
  { path: "/projects/:project", view: ProjectOverview, title: (p) => `Project ${p.project}` },

  // Coder
  {
    path: "/projects/:project/rounds/:round",
    view: RoundDocuments,
    title: (p) => `Round ${p.round}`,
    link: { on: "round", label: "Documents" },
  },
  {
    path: "/projects/:project/rounds/:round/documents/:document",
    view: DocumentView,
    title: (p) => `Document ${p.document}`,
  },

  // Lead (src/lead/)

  // Reviewer (src/reviewer/)
];
