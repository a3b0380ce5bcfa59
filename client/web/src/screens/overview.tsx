// A project's overview: its rounds with their state and each coder's
// progress ("k of n documents done"), and the links other screens declare
// in routes.ts.
import { get, listAll, path } from "../api";
import { nameCrumb } from "../crumbs";
import { useLoad } from "../data";
import { routes } from "../routes";
import { href, type Route, type RouteProps } from "../router";
import { currentUser } from "../session";
import { useChanges } from "../stream";
import type { ListProgressResponse, Member, Project, Round } from "../types";
import { DoneMeter, ErrorNote, Loading, PageHeading, RoundStateBadge } from "../components/ui";
import { t } from "../i18n";

interface Overview {
  project: Project;
  rounds: { round: Round; progress: ListProgressResponse | Error }[];
  myRoles: string[] | undefined;
}

async function loadOverview(projectId: string, userId: string): Promise<Overview> {
  const [{ project }, rounds, members] = await Promise.all([
    get<{ project: Project }>(path("projects", projectId)),
    listAll<Round>(path("projects", projectId, "rounds"), "rounds"),
    listAll<Member>(path("projects", projectId, "members"), "members").catch(() => undefined),
  ]);
  const progress = await Promise.all(
    rounds.map((round) =>
      get<ListProgressResponse>(path("projects", projectId, "rounds", round.id, "progress")).catch(
        (e: Error) => e,
      ),
    ),
  );
  return {
    project,
    rounds: rounds.map((round, i) => ({ round, progress: progress[i]! })),
    myRoles: members?.filter((m) => m.user === userId).map((m) => m.role),
  };
}

function allowed(route: Route, roles: string[] | undefined): boolean {
  const wanted = route.link?.roles;
  if (!wanted || !roles) return true;
  return roles.some((r) => wanted.includes(r));
}

export function ProjectOverview({ params }: RouteProps) {
  const userId = currentUser.value?.id ?? "";
  const overview = useLoad(() => loadOverview(params.project!, userId), [params.project, userId]);
  useChanges(params.project, () => overview.reload());
  const data = overview.data;
  if (data) nameCrumb("project", data.project.id, data.project.title);

  const projectLinks = routes.filter((r) => r.link?.on === "project" && allowed(r, data?.myRoles));
  const roundLinks = routes.filter((r) => r.link?.on === "round" && allowed(r, data?.myRoles));

  return (
    <section>
      <PageHeading>
        <bdi>{data?.project.title || params.project}</bdi>
      </PageHeading>
      <ErrorNote error={overview.error} />
      {!data && !overview.error && <Loading what={t().what.project} />}
      {data && (
        <>
          <p class="muted">
            <span class="id">{data.project.id}</span> · {t().overview.codebookRevision(Number(data.project.codebook_revision))}
            {data.myRoles && data.myRoles.length > 0 && (
              <> · {t().overview.youAre(data.myRoles.map((r) => t().overview.roles[r] ?? r.toLowerCase()).join(t().listSeparator))}</>
            )}
          </p>
          {data.project.description && <p dir="auto">{data.project.description}</p>}
          {projectLinks.length > 0 && (
            <nav aria-label={t().overview.project} class="project-nav">
              {projectLinks.map((r) => (
                <a key={r.path} class="button" href={href(r.path, params)}>
                  {t().links[r.link!.label] ?? r.link!.label}
                </a>
              ))}
            </nav>
          )}
          <h2>{t().overview.rounds}</h2>
          {data.rounds.length === 0 && <p class="empty">{t().overview.noRounds}</p>}
          <ul class="rounds">
            {data.rounds.map(({ round, progress }) => (
              <li key={round.id} class="card round">
                <div class="round-head">
                  <h3>
                    <a href={href("/projects/:project/rounds/:round", { ...params, round: round.id })} dir="auto">
                      {round.title || round.id}
                    </a>
                  </h3>
                  <RoundStateBadge state={round.state} />
                  {round.blind && (
                    <span class="badge">
                      <span aria-hidden="true">◌</span> {t().overview.blind}
                    </span>
                  )}
                </div>
                <p class="muted">
                  {t().overview.counts(round.documents.length, round.coders.length)}
                </p>
                {progress instanceof Error ? (
                  <ErrorNote error={progress} />
                ) : (
                  <table class="progress-table">
                    <caption class="sr-only">{t().overview.progressOf(round.title || round.id)}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t().overview.coder}</th>
                        <th scope="col">{t().overview.progress}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {progress.coders.map((c) => (
                        <tr key={c.coder}>
                          <th scope="row">
                            {c.coder}
                            {c.coder === userId && <span class="muted"> {t().overview.you}</span>}
                          </th>
                          <td>
                            <DoneMeter done={c.done} total={c.documents} label={c.coder} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                {roundLinks.length > 0 && (
                  <nav aria-label={t().overview.roundNav(round.title || round.id)} class="round-nav">
                    {roundLinks.map((r) => (
                      <a key={r.path} class="button" href={href(r.path, { ...params, round: round.id })}>
                        {t().links[r.link!.label] ?? r.link!.label}
                      </a>
                    ))}
                  </nav>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
