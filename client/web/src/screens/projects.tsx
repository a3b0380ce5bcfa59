// The projects the signed-in user belongs to.
import { listAll, path } from "../api";
import { useLoad } from "../data";
import { href } from "../router";
import type { Project } from "../types";
import { ErrorNote, Loading, PageHeading } from "../components/ui";
import { t } from "../i18n";

export function Projects() {
  const projects = useLoad(() => listAll<Project>(path("projects"), "projects"), []);
  return (
    <section>
      <PageHeading>{t().projects.title}</PageHeading>
      <ErrorNote error={projects.error} />
      {projects.data === undefined && !projects.error && <Loading what={t().what.projects} />}
      {projects.data?.length === 0 && (
        <p class="empty">{t().projects.none}</p>
      )}
      {projects.data && projects.data.length > 0 && (
        <ul class="cards">
          {projects.data.map((project) => (
            <li key={project.id} class="card">
              <h2>
                <a href={href("/projects/:project", { project: project.id })} dir="auto">{project.title || project.id}</a>
              </h2>
              <p class="muted">
                <span class="id">{project.id}</span>
                {project.blind_by_default && <span> · {t().projects.blindByDefault}</span>}
              </p>
              {project.description && <p dir="auto">{project.description}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
