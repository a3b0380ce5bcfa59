// The round's documents, with the signed-in coder's progress on each (or,
// for a lead, every coder's the server shows).
import { get, int64, listAll, path } from "../api";
import { nameCrumb } from "../crumbs";
import { useLoad } from "../data";
import { href, type RouteProps } from "../router";
import { currentUser } from "../session";
import { useChanges } from "../stream";
import type { Document, ListProgressResponse, ProgressState, Round } from "../types";
import { DoneMeter, ErrorNote, Loading, PageHeading, ProgressBadge, RoundStateBadge } from "../components/ui";
import { num, t } from "../i18n";

async function loadRound(project: string, roundId: string) {
  const [, { round }, documents, progress] = await Promise.all([
    get<{ project: { title: string } }>(path("projects", project)).then(
      (answer) => nameCrumb("project", project, answer.project.title),
      () => undefined,
    ),
    get<{ round: Round }>(path("projects", project, "rounds", roundId)),
    listAll<Document>(path("projects", project, "documents"), "documents"),
    get<ListProgressResponse>(path("projects", project, "rounds", roundId, "progress")),
  ]);
  const byId = new Map(documents.map((d) => [d.id, d]));
  return { round, documents: round.documents.map((id) => byId.get(id) ?? ({ id, title: id } as Document)), progress };
}

export function RoundDocuments({ params }: RouteProps) {
  const me = currentUser.value?.id ?? "";
  const loaded = useLoad(() => loadRound(params.project!, params.round!), [params.project, params.round]);
  useChanges(params.project, () => loaded.reload(), (c) => !c.round || c.round === params.round);
  const data = loaded.data;
  if (data) nameCrumb("round", data.round.id, data.round.title);

  const coders = data ? data.progress.coders.map((c) => c.coder) : [];
  const amCoder = data?.round.coders.includes(me) ?? false;
  const shownCoders = amCoder ? [me] : coders;
  const stateOf = (coder: string, document: string): ProgressState =>
    data?.progress.progress.find((p) => p.coder === coder && p.document === document)?.state ?? "NOT_STARTED";
  const mine = data?.progress.coders.find((c) => c.coder === me);

  return (
    <section>
      <PageHeading>
        <bdi>{data?.round.title || t().header.round(params.round!)}</bdi>
      </PageHeading>
      <ErrorNote error={loaded.error} />
      {!data && !loaded.error && <Loading what={t().what.round} />}
      {data && (
        <>
          <div class="round-head">
            <RoundStateBadge state={data.round.state} />
            {data.round.blind && (
              <span class="badge">
                <span aria-hidden="true">◌</span> {t().round.blind}
              </span>
            )}
            {mine && <DoneMeter done={mine.done} total={mine.documents} label={t().round.yourProgress} />}
          </div>
          <table class="list documents">
            <caption class="sr-only">{t().round.documentsCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t().round.document}</th>
                <th scope="col" class="num">
                  {t().round.characters}
                </th>
                {shownCoders.map((c) => (
                  <th scope="col" key={c}>
                    {c === me ? t().round.yourProgress : c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.documents.map((d) => (
                <tr key={d.id}>
                  <th scope="row">
                    <a href={href("/projects/:project/rounds/:round/documents/:document", { ...params, document: d.id })} dir="auto">
                      {d.title || d.id}
                    </a>
                    <span class="muted id"> {d.id}</span>
                  </th>
                  <td class="num">{num(int64(d.length_code_points))}</td>
                  {shownCoders.map((c) => (
                    <td key={c}>
                      <ProgressBadge state={stateOf(c, d.id)} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
