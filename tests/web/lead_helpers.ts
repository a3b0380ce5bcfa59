// What the lead's and reviewer's browser tests share: calls of the JSON API
// with a person's token (as a script would), and a round with codings that
// disagree in places.
import { expect, type Page } from "@playwright/test";
import type { IcrServer, Person, Study } from "./harness";

/** A JSON API call with `person`'s token (Bearer: no cookie, no CSRF header). */
export async function api<T = unknown>(icr: IcrServer, person: Person, method: string, route: string,
                                       body?: unknown): Promise<{ status: number; json: T }> {
  const answer = await fetch(icr.baseUrl + route, {
    method,
    headers: { Authorization: `Bearer ${person.token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  return { status: answer.status, json: (text ? JSON.parse(text) : {}) as T };
}

export async function submit(icr: IcrServer, study: Study, coder: Person,
                             codings: Array<[document: string, segment: number, code: string]>): Promise<void> {
  const answer = await api(icr, coder, "POST", `/v1/projects/${study.project}/rounds/${study.round}/codings`, {
    codings: codings.map(([document, segment, code]) => ({ document, segment: String(segment), code })),
    request_id: `test-${coder.id}-${Math.random().toString(36).slice(2)}`,
  });
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
}

export async function setProgress(icr: IcrServer, study: Study, coder: Person, document: string,
                                  state: "DONE" | "IN_PROGRESS"): Promise<void> {
  const answer = await api(icr, coder, "POST",
    `/v1/projects/${study.project}/rounds/${study.round}/documents/${document}/progress`, { state });
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
}

/**
 * The three coders' codings of the study's interview (int-01, by paragraph)
 * and its Unicode document (int-02, by line): they agree in places and
 * differ in others. alice and bob finish both documents; carol finishes
 * int-01 and is still working on int-02.
 */
export async function codeTheRound(icr: IcrServer, study: Study): Promise<void> {
  const [alice, bob, carol] = study.coders as [Person, Person, Person];
  await submit(icr, study, alice, [["int-01", 1, "avail"], ["int-01", 1, "positive"], ["int-01", 3, "avail"],
    ["int-01", 3, "negative"], ["int-01", 3, "advice"], ["int-01", 5, "growth"], ["int-01", 5, "positive"],
    ["int-02", 0, "positive"], ["int-02", 1, "negative"], ["int-02", 3, "advice"]]);
  await submit(icr, study, bob, [["int-01", 1, "avail"], ["int-01", 1, "positive"], ["int-01", 3, "avail"],
    ["int-01", 3, "negative"], ["int-01", 5, "growth"], ["int-02", 0, "positive"], ["int-02", 3, "reassure"]]);
  await submit(icr, study, carol, [["int-01", 1, "avail"], ["int-01", 3, "negative"], ["int-01", 3, "advice"],
    ["int-01", 5, "growth"], ["int-01", 5, "positive"], ["int-02", 0, "positive"], ["int-02", 1, "negative"]]);
  for (const coder of [alice, bob]) {
    await setProgress(icr, study, coder, "int-01", "DONE");
    await setProgress(icr, study, coder, "int-02", "DONE");
  }
  await setProgress(icr, study, carol, "int-01", "DONE");
  await setProgress(icr, study, carol, "int-02", "IN_PROGRESS");
}

/** Opens `route` of the app and waits for its heading. */
export async function open(page: Page, route: string, heading: string | RegExp): Promise<void> {
  await page.goto(`/#${route}`);
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
}

/** An exported trail as the JSON API gives it: the fields the browser tests read. */
export type ExportedTrail = Array<{ events?: ExportedRecord[] }>;
export interface ExportedRecord {
  seq: string;
  event_bytes: string;
  event: { method: string; actor: string; result_summary: string };
}

/** Changes one byte inside `record`'s hashed bytes: the first letter of its result summary. */
export function changeOneByte(record: ExportedRecord): void {
  const bytes = Buffer.from(record.event_bytes, "base64");
  const at = bytes.indexOf(Buffer.from(record.event.result_summary, "utf8"));
  expect(at, "the summary is in the event bytes").toBeGreaterThan(0);
  bytes[at] ^= 0x01;
  record.event_bytes = bytes.toString("base64");
}
