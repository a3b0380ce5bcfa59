// A project's documents: the list, and uploading a file with the
// segmentation to cut it into units. A UTF-8 text file is sent as text; Word,
// OpenDocument, RTF, HTML, Markdown, PDF and timed transcripts (WebVTT, SRT)
// are sent as they are, and the server extracts their text (CreateDocument's
// `original`), as `icr doc add --file` does.
import { useState } from "preact/hooks";
import { encodeBase64Bytes, encodeBase64Text, listAll, path, post, requestId } from "../api";
import { announce } from "../announce";
import { useLoad } from "../data";
import type { RouteProps } from "../router";
import type { Document } from "../types";
import { ErrorNote, Loading, PageHeading } from "../components/ui";
import { FilePicker } from "../components/file_picker";
import { num, t } from "../i18n";
import "./lead.css";

// CreateDocument's segmentations, in the order offered (words in the catalog).
const SEGMENTATIONS = ["SEGMENT_PARAGRAPH", "SEGMENT_TURN", "SEGMENT_SENTENCE", "SEGMENT_LINE", "SEGMENT_NONE"];

// File extensions -> the formats the server extracts text from (as the CLI's
// `icr doc add --file`); "txt" is sent as text.
const FORMATS: Record<string, string> = {
  txt: "txt", text: "txt", docx: "docx", odt: "odt", rtf: "rtf", html: "html", htm: "html",
  md: "md", markdown: "md", pdf: "pdf", vtt: "vtt", srt: "srt",
};
const ACCEPT = Object.keys(FORMATS).map((e) => `.${e}`).join(",");

export function formatOf(name: string): string | undefined {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? undefined : FORMATS[name.slice(dot + 1).toLowerCase()];
}

function idFromName(name: string): string {
  return name.replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "").toLowerCase();
}

export function Documents({ params }: RouteProps) {
  const project = params.project!;
  const documents = useLoad(() => listAll<Document>(path("projects", project, "documents"), "documents"), [project]);
  const [file, setFile] = useState<File>();
  const [id, setId] = useState("");
  const [title, setTitle] = useState("");
  const [segmentation, setSegmentation] = useState("SEGMENT_PARAGRAPH");
  const [speakerPattern, setSpeakerPattern] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const upload = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    if (!file) {
      setError(t().documents.chooseFile);
      return;
    }
    const format = formatOf(file.name);
    if (!format) {
      setError(t().documents.unreadable(file.name));
      return;
    }
    setBusy(true);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const fields: Record<string, unknown> = {
        id, title: title || file.name, segmentation, request_id: requestId(),
      };
      if (format === "txt") {
        let text: string;
        try {
          text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
        } catch {
          setError(t().documents.notUtf8(file.name));
          return;
        }
        fields.text = encodeBase64Text(text);
      } else {
        fields.original = encodeBase64Bytes(bytes);
        fields.original_format = format;
      }
      if (segmentation === "SEGMENT_TURN" && speakerPattern) fields.speaker_pattern = speakerPattern;
      try {
        await post(path("projects", project, "documents"), fields);
      } catch (err) {
        // The server's reason ("no text layer … run OCR first") with the file it concerns.
        throw new Error(`${file.name}: ${(err as Error).message}`);
      }
      announce(t().documents.uploaded(id));
      setFile(undefined);
      setId("");
      setTitle("");
      (e.target as HTMLFormElement).reset();
      documents.reload();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="lead-screen">
      <PageHeading>{t().documents.heading}</PageHeading>
      <div class="manage-grid">
        <div>
          <ErrorNote error={documents.error} />
          {!documents.data && !documents.error && <Loading what={t().documents.what} />}
          {documents.data && documents.data.length === 0 && <p class="empty">{t().documents.none}</p>}
          {documents.data && documents.data.length > 0 && (
            <table class="list documents-table">
              <caption class="sr-only">{t().documents.caption(project)}</caption>
              <thead>
                <tr><th scope="col">{t().documents.document}</th><th scope="col">{t().documents.title}</th>
                  <th scope="col" class="num">{t().documents.characters}</th><th scope="col" class="num">{t().documents.units}</th>
                  <th scope="col">{t().documents.segmentedBy}</th><th scope="col">{t().documents.from}</th></tr>
              </thead>
              <tbody>
                {documents.data.map((d) => (
                  <tr key={d.id}>
                    <th scope="row">{d.id}</th><td dir="auto">{d.title}</td>
                    <td class="num">{num(d.length_code_points)}</td>
                    <td class="num">{num(d.segments.length)}</td>
                    <td>{d.segmentation ? t().documents.segmentedAs[d.segmentation] ?? d.segmentation : t().documents.givenSegments}</td>
                    <td title={d.extraction_tool || undefined}>{d.original_format ? t().documents.fromFile(d.original_format) : t().documents.fromText}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <form class="card form-grid" onSubmit={upload} aria-labelledby="upload-title">
          <h2 id="upload-title">{t().documents.upload}</h2>
          <label for="doc-file">{t().documents.file}</label>
          <FilePicker id="doc-file" accept={ACCEPT} chosen={file?.name} onFile={(chosen) => {
            setFile(chosen);
            if (chosen) {
              if (!id) setId(idFromName(chosen.name));
              if (!title) setTitle(chosen.name.replace(/\.[^.]*$/, ""));
            }
          }} />
          <label for="doc-id">{t().documents.id}</label>
          <input id="doc-id" value={id} required onInput={(e) => setId((e.target as HTMLInputElement).value)} />
          <label for="doc-title">{t().documents.title}</label>
          <input id="doc-title" value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          <label for="doc-seg">{t().documents.unitsOfAnalysis}</label>
          <select id="doc-seg" value={segmentation} onChange={(e) => setSegmentation((e.target as HTMLSelectElement).value)}>
            {SEGMENTATIONS.map((s) => <option key={s} value={s}>{t().documents.segmentations[s]}</option>)}
          </select>
          {segmentation === "SEGMENT_TURN" && (
            <>
              <label for="doc-speaker-pattern">{t().documents.speakerPattern}</label>
              <input id="doc-speaker-pattern" value={speakerPattern} placeholder={t().documents.speakerPlaceholder}
                aria-describedby="doc-speaker-pattern-help"
                onInput={(e) => setSpeakerPattern((e.target as HTMLInputElement).value)} />
              <p id="doc-speaker-pattern-help" class="hint">{t().documents.speakerHelp}</p>
            </>
          )}
          <ErrorNote error={error} />
          <div class="actions"><button type="submit" class="primary" disabled={busy}>{t().documents.submit}</button></div>
        </form>
      </div>
    </section>
  );
}
