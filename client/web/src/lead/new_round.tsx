// Creating a round: which documents each of which coders codes, blind or not,
// and, for transcripts cut into speaker turns, whose turns are units (an
// interviewer's questions left out, so they do not count as "nothing
// applied" for every coder).
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { get, listAll, path, post, requestId } from "../api";
import { announce } from "../announce";
import { useLoad } from "../data";
import { href, navigate, type RouteProps } from "../router";
import type { Document, Member, Project } from "../types";
import { ErrorNote, Loading, PageHeading } from "../components/ui";
import { t } from "../i18n";
import "./lead.css";

function Checklist({ legend, items, chosen, onChange }: {
  legend: string; items: Array<{ id: string; label: ComponentChildren }>; chosen: Set<string>;
  onChange: (next: Set<string>) => void;
}) {
  const all = items.length > 0 && items.every((i) => chosen.has(i.id));
  return (
    <fieldset class="checklist-set">
      <legend>{t().newRound.legend(legend, chosen.size, items.length)}</legend>
      <label class="check"><input type="checkbox" checked={all}
        onChange={() => onChange(all ? new Set() : new Set(items.map((i) => i.id)))} /> {t().newRound.all}</label>
      <div class="checklist">
        {items.map((i) => (
          <label key={i.id}>
            <input type="checkbox" checked={chosen.has(i.id)} onChange={() => {
              const next = new Set(chosen);
              if (next.has(i.id)) next.delete(i.id); else next.add(i.id);
              onChange(next);
            }} /> {i.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

// The speakers of the chosen documents' turns, in order of first appearance.
function speakersOf(all: Document[], chosen: Set<string>): string[] {
  const seen = new Set<string>();
  for (const d of all) {
    if (!chosen.has(d.id)) continue;
    for (const s of d.segments) if (s.speaker) seen.add(s.speaker);
  }
  return [...seen];
}

export function NewRound({ params }: RouteProps) {
  const project = params.project!;
  const loaded = useLoad(async () => {
    const [info, documents, members] = await Promise.all([
      get<{ project: Project }>(path("projects", project)),
      listAll<Document>(path("projects", project, "documents"), "documents"),
      listAll<Member>(path("projects", project, "members"), "members"),
    ]);
    return { project: info.project, documents, coders: members.filter((m) => m.role === "CODER").map((m) => m.user) };
  }, [project]);
  const [id, setId] = useState("");
  const [title, setTitle] = useState("");
  const [documents, setDocuments] = useState(new Set<string>());
  const [coders, setCoders] = useState(new Set<string>());
  const [blind, setBlind] = useState(true);
  // Speakers whose turns are left out of the units.
  const [excluded, setExcluded] = useState(new Set<string>());
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (loaded.data) setBlind(loaded.data.project.blind_by_default);
  }, [loaded.data]);

  const data = loaded.data;
  // The chosen documents' speakers, for the units-by-speaker choice.
  const speakers = data ? speakersOf(data.documents, documents) : [];

  const create = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    if (documents.size === 0 || coders.size === 0) {
      setError(t().newRound.needBoth);
      return;
    }
    try {
      const order = loaded.data!.documents.map((d) => d.id).filter((d) => documents.has(d));
      const exclude = speakers.filter((s) => excluded.has(s));
      if (speakers.length > 0 && exclude.length === speakers.length) {
        setError(t().newRound.keepSpeaker);
        return;
      }
      await post(path("projects", project, "rounds"), {
        id, title, documents: order, coders: [...coders], blind, request_id: requestId(),
        ...(exclude.length > 0 ? { exclude_speakers: exclude } : {}),
      });
      announce(t().newRound.created(id));
      navigate(href("/projects/:project", params).slice(1));
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section class="lead-screen">
      <PageHeading>{t().newRound.heading}</PageHeading>
      <ErrorNote error={loaded.error} />
      {!data && !loaded.error && <Loading what={t().newRound.what} />}
      {data && (
        <form class="card form-grid new-round" onSubmit={create}>
          <label for="round-id">{t().newRound.id}</label>
          <input id="round-id" value={id} required onInput={(e) => setId((e.target as HTMLInputElement).value)} />
          <label for="round-title">{t().newRound.title}</label>
          <input id="round-title" value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          <div class="two-columns">
            <Checklist legend={t().newRound.documents} chosen={documents} onChange={setDocuments}
              items={data.documents.map((d) => ({ id: d.id,
                label: d.title && d.title !== d.id ? <><bdi>{d.id}</bdi> — <bdi>{d.title}</bdi></> : <bdi>{d.id}</bdi> }))} />
            <Checklist legend={t().newRound.coders} chosen={coders} onChange={setCoders}
              items={data.coders.map((c) => ({ id: c, label: <bdi>{c}</bdi> }))} />
          </div>
          {speakers.length > 0 && (
            <fieldset class="checklist-set">
              <legend>{t().newRound.speakers}</legend>
              <p class="hint" id="speakers-help">{t().newRound.speakersHelp}</p>
              <div class="checklist" aria-describedby="speakers-help">
                {speakers.map((s) => (
                  <label key={s}>
                    <input type="checkbox" checked={!excluded.has(s)} onChange={() => {
                      const next = new Set(excluded);
                      if (next.has(s)) next.delete(s); else next.add(s);
                      setExcluded(next);
                    }} /> <bdi>{s}</bdi>
                  </label>
                ))}
              </div>
            </fieldset>
          )}
          <label class="check"><input type="checkbox" checked={blind} onChange={(e) => setBlind((e.target as HTMLInputElement).checked)} />
            {t().newRound.blind}</label>
          <ErrorNote error={error} />
          <div class="actions"><button type="submit" class="primary">{t().newRound.create}</button></div>
        </form>
      )}
    </section>
  );
}
