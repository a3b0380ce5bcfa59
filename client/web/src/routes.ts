// Every screen of the app, one line each: the first route whose path matches
// the fragment is shown. Add a screen by adding a line (and its import).
import type { Route } from "./router";
import { t } from "./i18n";
import { SignIn } from "./screens/signin";
import { Projects } from "./screens/projects";
import { ProjectOverview } from "./screens/overview";
import { RoundDocuments } from "./coder/round";
import { DocumentView } from "./coder/document";
import { AgreementDashboard } from "./lead/agreement";
import { DisagreementQueue } from "./lead/disagreements";
import { Consensus } from "./lead/consensus";
import { Members } from "./lead/members";
import { Codebook } from "./lead/codebook";
import { Documents } from "./lead/documents";
import { NewRound } from "./lead/new_round";
import { Report } from "./reviewer/report";
import { AuditTrail } from "./reviewer/audit";
import { VerifyExport } from "./reviewer/verify_screen";

const LEADS = ["OWNER", "LEAD"];
const READERS = ["OWNER", "LEAD", "REVIEWER"];

export const routes: Route[] = [
  // Everyone
  { path: "/signin", view: SignIn, title: "Sign in", public: true },
  { path: "/signin/:code", view: SignIn, title: "Sign in", public: true },
  { path: "/", view: Projects, title: "Your projects" },
  { path: "/projects", view: Projects, title: "Your projects" },
  { path: "/projects/:project", view: ProjectOverview, title: (p) => t().titles.project(p.project!) },

  // Coder
  {
    path: "/projects/:project/rounds/:round",
    view: RoundDocuments,
    title: (p) => t().header.round(p.round!),
    link: { on: "round", label: "Documents" },
  },
  {
    path: "/projects/:project/rounds/:round/documents/:document",
    view: DocumentView,
    title: (p) => t().titles.document(p.document!),
  },

  // Lead (src/lead/)
  { path: "/projects/:project/rounds/:round/agreement", view: AgreementDashboard,
    title: (p) => t().titles.ofRound(t().links.Agreement!, p.round!), link: { on: "round", label: "Agreement", roles: LEADS } },
  { path: "/projects/:project/rounds/:round/disagreements", view: DisagreementQueue,
    title: (p) => t().titles.ofRound(t().links.Disagreements!, p.round!), link: { on: "round", label: "Disagreements", roles: LEADS } },
  { path: "/projects/:project/rounds/:round/consensus", view: Consensus,
    title: (p) => t().titles.ofRound(t().links.Consensus!, p.round!), link: { on: "round", label: "Consensus", roles: LEADS } },
  { path: "/projects/:project/codebook", view: Codebook, title: "Codebook",
    link: { on: "project", label: "Codebook", roles: LEADS } },
  { path: "/projects/:project/documents", view: Documents, title: "Documents",
    link: { on: "project", label: "Documents", roles: LEADS } },
  { path: "/projects/:project/new-round", view: NewRound, title: "New round",
    link: { on: "project", label: "New round", roles: LEADS } },
  { path: "/projects/:project/members", view: Members, title: "Members",
    link: { on: "project", label: "Members", roles: LEADS } },

  // Reviewer (src/reviewer/)
  { path: "/projects/:project/report", view: Report, title: "Report",
    link: { on: "project", label: "Report", roles: READERS } },
  { path: "/projects/:project/audit", view: AuditTrail, title: "Audit trail",
    link: { on: "project", label: "Audit trail", roles: READERS } },
  { path: "/projects/:project/verify", view: VerifyExport, title: "Verify the trail",
    link: { on: "project", label: "Verify the trail", roles: READERS } },
];
