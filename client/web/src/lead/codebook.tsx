// The codebook as a tree: add a code, edit it, move it (change its parent),
// merge it into another; each code's revision, and the codebook's, shown.
import { useMemo, useState } from "preact/hooks";
import { get, path, patch, post, requestId } from "../api";
import { announce } from "../announce";
import { useLoad } from "../data";
import type { RouteProps } from "../router";
import { useChanges } from "../stream";
import type { Code, Project } from "../types";
import { ErrorNote, Loading, PageHeading } from "../components/ui";
import { codeTree, mergeTargets, moveTargets, type CodeNode } from "./codebook_tree";
import { loadCodes } from "./load";
import { t } from "../i18n";
import "./lead.css";

type Editing = { id: string; mode: "edit" | "move" | "merge" } | null;

// The code's text fields, each labelled by the catalog's codebook.fields.
const TEXT_FIELDS: Array<{ field: "name" | "definition" | "inclusion_criteria" | "exclusion_criteria" | "example"; long?: boolean }> = [
  { field: "name" },
  { field: "definition", long: true },
  { field: "inclusion_criteria", long: true },
  { field: "exclusion_criteria", long: true },
  { field: "example", long: true },
];

function CodeForm({ initial, codes, onSave, onCancel, isNew }: {
  initial: Partial<Code>; codes: Code[]; isNew: boolean;
  onSave: (code: Partial<Code>) => Promise<void>; onCancel?: () => void;
}) {
  const [code, setCode] = useState<Partial<Code>>(initial);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const prefix = isNew ? "new" : `edit-${initial.id}`;
  const set = (field: keyof Code, value: string | boolean) => setCode((c) => ({ ...c, [field]: value }));
  return (
    <form class="form-grid" onSubmit={async (e) => {
      e.preventDefault();
      setBusy(true);
      setError(undefined);
      try {
        await onSave(code);
        if (isNew) setCode({ parent: code.parent });
      } catch (err) {
        setError((err as Error).message);
      } finally {
        setBusy(false);
      }
    }}>
      {isNew && <>
        <label for={`${prefix}-id`}>{t().codebook.id}</label>
        <input id={`${prefix}-id`} value={code.id ?? ""} required pattern="[A-Za-z0-9_.\-]+"
          onInput={(e) => set("id", (e.target as HTMLInputElement).value)} />
        <label for={`${prefix}-parent`}>{t().codebook.under}</label>
        <select id={`${prefix}-parent`} value={code.parent ?? ""} onChange={(e) => set("parent", (e.target as HTMLSelectElement).value)}>
          <option value="">{t().codebook.topLevel}</option>
          {codes.filter((c) => c.state !== "CODE_MERGED").map((c) => <option key={c.id} value={c.id}>{c.name || c.id}</option>)}
        </select>
      </>}
      {TEXT_FIELDS.map(({ field, long }) => (
        <div key={field}>
          <label for={`${prefix}-${field}`}>{t().codebook.fields[field]}</label>
          {long
            ? <textarea id={`${prefix}-${field}`} value={String(code[field] ?? "")} rows={2}
                onInput={(e) => set(field, (e.target as HTMLTextAreaElement).value)} />
            : <input id={`${prefix}-${field}`} value={String(code[field] ?? "")}
                onInput={(e) => set(field, (e.target as HTMLInputElement).value)} />}
        </div>
      ))}
      <label class="check">
        <input id={`${prefix}-grouping`} type="checkbox" checked={code.grouping_only === true}
          onChange={(e) => set("grouping_only", (e.target as HTMLInputElement).checked)} />
        {" "}{t().codebook.groupingOnly}
      </label>
      <ErrorNote error={error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>{isNew ? t().codebook.add : t().codebook.save}</button>
        {onCancel && <button type="button" onClick={onCancel}>{t().codebook.cancel}</button>}
      </div>
    </form>
  );
}

function TargetForm({ code, targets, mode, onDone, onCancel }: {
  code: Code; targets: Code[]; mode: "move" | "merge";
  onDone: (target: string) => Promise<void>; onCancel: () => void;
}) {
  const [target, setTarget] = useState(mode === "move" ? "" : targets[0]?.id ?? "");
  const [error, setError] = useState<string>();
  const id = `${mode}-${code.id}`;
  return (
    <form class="tree-editor card" onSubmit={async (e) => {
      e.preventDefault();
      try {
        await onDone(target);
      } catch (err) {
        setError((err as Error).message);
      }
    }}>
      <label for={id}>{mode === "move" ? t().codebook.moveUnder(code.name || code.id) : t().codebook.mergeInto(code.name || code.id)}</label>
      <select id={id} value={target} onChange={(e) => setTarget((e.target as HTMLSelectElement).value)}>
        {mode === "move" && <option value="">{t().codebook.topLevel}</option>}
        {targets.map((c) => <option key={c.id} value={c.id}>{c.name || c.id}</option>)}
      </select>
      {mode === "merge" && <p class="muted">{t().codebook.mergeNote}</p>}
      <ErrorNote error={error} />
      <div class="actions">
        <button type="submit" class={mode === "merge" ? "danger" : "primary"}>{mode === "move" ? t().codebook.move : t().codebook.merge}</button>
        <button type="button" onClick={onCancel}>{t().codebook.cancel}</button>
      </div>
    </form>
  );
}

export function Codebook({ params }: RouteProps) {
  const project = params.project!;
  const codes = useLoad(() => loadCodes(project, true), [project]);
  const info = useLoad(() => get<{ project: Project }>(path("projects", project)), [project]);
  useChanges(project, () => { codes.reload(); info.reload(); }, (c) => c.kind === "CHANGE_KIND_CODEBOOK");
  const [editing, setEditing] = useState<Editing>(null);
  const [filter, setFilter] = useState("");
  const all = codes.data ?? [];
  const tree = useMemo(() => codeTree(all), [codes.data]);
  const merged = all.filter((c) => c.state === "CODE_MERGED");
  const needle = filter.trim().toLowerCase();
  const matches = (n: CodeNode): boolean => !needle ||
    `${n.code.id} ${n.code.name} ${n.code.definition}`.toLowerCase().includes(needle) || n.children.some(matches);

  const after = (text: string) => {
    announce(text);
    setEditing(null);
    codes.reload();
    info.reload();
  };
  const update = async (code: Code, changes: Partial<Code>, mask: string[]) => {
    await patch(path("projects", project, "codes", code.id), {
      code: { ...changes, id: code.id }, update_mask: mask, etag: code.etag, request_id: requestId() });
  };

  const renderNode = (node: CodeNode) => {
    const c = node.code;
    const open = editing?.id === c.id ? editing.mode : null;
    return (
      <li key={c.id} data-code={c.id}>
        <div class="tree-node">
          <span class="name" dir="auto">{c.name || c.id}</span> <span class="id muted">{c.id}</span>
          {c.grouping_only && <span class="badge" title={t().codebook.groupsTitle}>{t().codebook.groups}</span>}
          <span class="muted">{t().codebook.revision(c.revision)}</span>
          <span class="tools">
            <button type="button" aria-label={t().codebook.editName(c.name || c.id)} onClick={() => setEditing({ id: c.id, mode: "edit" })}>{t().codebook.edit}</button>
            <button type="button" aria-label={t().codebook.moveName(c.name || c.id)} onClick={() => setEditing({ id: c.id, mode: "move" })}>{t().codebook.move}</button>
            <button type="button" aria-label={t().codebook.mergeName(c.name || c.id)} onClick={() => setEditing({ id: c.id, mode: "merge" })}>{t().codebook.merge}</button>
          </span>
          {c.definition && <span class="definition" dir="auto">{c.definition}</span>}
        </div>
        {open === "edit" && (
          <div class="tree-editor card">
            <CodeForm initial={c} codes={all} isNew={false} onCancel={() => setEditing(null)}
              onSave={async (changed) => {
                await update(c, changed, [...TEXT_FIELDS.map((f) => f.field), "grouping_only"]);
                after(t().codebook.saved(changed.name || c.id));
              }} />
          </div>
        )}
        {open === "move" && (
          <TargetForm code={c} mode="move" targets={moveTargets(all, c.id)} onCancel={() => setEditing(null)}
            onDone={async (parent) => {
              await update(c, { parent }, ["parent"]);
              after(t().codebook.moved(c.name || c.id, parent));
            }} />
        )}
        {open === "merge" && (
          <TargetForm code={c} mode="merge" targets={mergeTargets(all, c.id)} onCancel={() => setEditing(null)}
            onDone={async (into) => {
              await post(path("projects", project, "codes", c.id) + ":merge", { into_code: into, request_id: requestId() });
              after(t().codebook.merged(c.name || c.id, into));
            }} />
        )}
        {node.children.length > 0 && <ul>{node.children.filter(matches).map(renderNode)}</ul>}
      </li>
    );
  };

  return (
    <section class="lead-screen">
      <PageHeading>{t().codebook.heading}</PageHeading>
      <p class="muted">
        {t().codebook.summary(all.length - merged.length, merged.length, info.data?.project.codebook_revision?.toString())}
      </p>
      <div class="manage-grid">
        <div class="card">
          <label for="code-filter">{t().codebook.find}</label>
          <input id="code-filter" type="search" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
          <ErrorNote error={codes.error} />
          {!codes.data && !codes.error && <Loading what={t().codebook.what} />}
          {codes.data && tree.length === 0 && <p class="empty">{t().codebook.none}</p>}
          <ul class="tree" aria-label={t().codebook.tree}>{tree.filter(matches).map(renderNode)}</ul>
          {merged.length > 0 && (
            <details>
              <summary>{t().codebook.mergedCodes(merged.length)}</summary>
              <ul>{merged.map((c) => <li key={c.id}><bdi>{c.name || c.id}</bdi> → <bdi>{c.merged_into}</bdi></li>)}</ul>
            </details>
          )}
        </div>
        <div class="card">
          <h2>{t().codebook.addTitle}</h2>
          <CodeForm initial={{}} codes={all} isNew={true} onSave={async (code) => {
            await post(path("projects", project, "codes"), { code, request_id: requestId() });
            after(t().codebook.added(code.name || code.id || ""));
          }} />
        </div>
      </div>
    </section>
  );
}
