// The app shell: header (who is signed in, sign out), the breadcrumb, the
// screen of the current route, and the aria-live region.
import { useEffect } from "preact/hooks";
import { announcement } from "./announce";
import { crumbNames } from "./crumbs";
import { routes } from "./routes";
import { currentPath, href, match, navigate, type Params } from "./router";
import { SignIn } from "./screens/signin";
import { currentUser, loadCurrentUser, signOut } from "./session";
import { closeStream } from "./stream";
import { ErrorNote, Loading } from "./components/ui";
import { languages, setLanguage, t } from "./i18n";
import { locale } from "./i18n/format";

function LanguagePicker() {
  return (
    <label class="language">
      <span class="sr-only">{t().language}</span>
      <select
        value={locale.value}
        aria-label={t().language}
        onChange={(e) => setLanguage((e.target as HTMLSelectElement).value)}
      >
        {Object.entries(languages).map(([tag, language]) => (
          <option key={tag} value={tag} lang={tag}>
            {language.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function Breadcrumb({ params }: { params: Params }) {
  const names = crumbNames.value;
  const crumbs: { label: string; to: string }[] = [{ label: t().header.projects, to: "#/projects" }];
  if (params.project) {
    crumbs.push({
      label: names[`project:${params.project}`] ?? params.project,
      to: href("/projects/:project", params),
    });
  }
  if (params.round) {
    crumbs.push({
      label: names[`round:${params.round}`] ?? t().header.round(params.round),
      to: href("/projects/:project/rounds/:round", params),
    });
  }
  if (params.document) {
    crumbs.push({
      label: names[`document:${params.document}`] ?? params.document,
      to: href("/projects/:project/rounds/:round/documents/:document", params),
    });
  }
  return (
    <nav aria-label={t().header.breadcrumb} class="breadcrumb">
      <ol>
        {crumbs.map((crumb, i) => (
          <li key={crumb.to}>
            {i === crumbs.length - 1 ? (
              <a href={crumb.to} aria-current="page" dir="auto">
                {crumb.label}
              </a>
            ) : (
              <a href={crumb.to} dir="auto">{crumb.label}</a>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

function Header({ params }: { params: Params }) {
  const user = currentUser.value;
  return (
    <header class="app-header">
      <div class="header-row">
        <a class="brand" href="#/projects">
          <span aria-hidden="true" class="brand-mark">◧</span> icr
        </a>
        {user && <Breadcrumb params={params} />}
        {user && (
          <div class="who">
            <span class="who-name" title={t().header.signedInAs(user.id)}>
              {user.display_name || user.id}
            </span>
            <button
              type="button"
              class="quiet"
              onClick={async () => {
                closeStream();
                await signOut().catch(() => {});
                navigate("/signin");
              }}
            >
              {t().header.signOut}
            </button>
          </div>
        )}
        <LanguagePicker />
      </div>
    </header>
  );
}

export function App() {
  const path = currentPath.value;
  const user = currentUser.value;
  const found = match(routes, path);

  useEffect(() => {
    loadCurrentUser().catch(() => {
      currentUser.value = null;
    });
  }, []);

  useEffect(() => {
    const title = found
      ? typeof found.route.title === "function"
        ? found.route.title(found.params)
        : t().titles.named[found.route.title] ?? found.route.title
      : t().notFound;
    document.title = `${title} · icr`;
  }, [path, locale.value]);

  let body;
  if (found?.route.public) {
    const View = found.route.view;
    body = <View params={found.params} />;
  } else if (user === undefined) {
    body = <Loading what={t().what.session} />;
  } else if (user === null) {
    body = <SignIn params={{}} />;
  } else if (!found) {
    body = (
      <>
        <h1>{t().notFound}</h1>
        <ErrorNote error={t().noPage(path)} />
        <p>
          <a href="#/projects">{t().goToProjects}</a>
        </p>
      </>
    );
  } else {
    const View = found.route.view;
    body = <View key={path} params={found.params} />;
  }

  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById("main")?.focus();
      }}>
        {t().skipToContent}
      </a>
      <Header params={found?.params ?? {}} />
      <main id="main" tabIndex={-1}>
        {body}
      </main>
      <div class="sr-only" aria-live="polite" aria-atomic="true" id="announcements">
        {announcement.value}
      </div>
    </>
  );
}
