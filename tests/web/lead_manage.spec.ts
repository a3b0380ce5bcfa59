// The lead manages the project in a real Chromium: the codebook tree (add,
// edit, move, merge), documents (a UTF-8 file uploaded, segmented; a file
// in another encoding refused in words), a new round, members and roles.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { expect, expectAccessible, screenshot, signIn, test } from "./fixtures";
import { api, open } from "./lead_helpers";

test("the codebook as a tree: add, edit, move and merge a code", async ({ page, context, study, icr }) => {
  await signIn(context, icr.baseUrl, study.lead);
  await open(page, `/projects/${study.project}/codebook`, "Codebook");
  const tree = page.getByRole("list", { name: "Codebook" });
  await expect(tree.locator("li[data-code='avail']")).toBeVisible();
  // Availability sits under Support.
  await expect(tree.locator("li[data-code='support'] li[data-code='avail']")).toBeVisible();

  await page.locator("#new-id").fill("time");
  await page.locator("#new-parent").selectOption("support");
  await page.locator("#new-name").fill("Time together");
  await page.locator("#new-definition").fill("How much time mentor and student spent together.");
  await page.getByRole("button", { name: "Add the code" }).click();
  await expect(tree.locator("li[data-code='support'] li[data-code='time']")).toContainText("Time together");

  await page.getByRole("button", { name: "Edit Time together" }).click();
  await page.locator("#edit-time-definition").fill("Time spent together, in or out of class.");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(tree.locator("li[data-code='time']")).toContainText("in or out of class");

  await page.getByRole("button", { name: "Move Time together" }).click();
  await page.getByLabel("Move “Time together” under").selectOption("feelings");
  await page.getByRole("button", { name: "Move", exact: true }).click();
  await expect(tree.locator("li[data-code='feelings'] li[data-code='time']")).toBeVisible();
  await expect(tree.locator("li[data-code='support'] li[data-code='time']")).toHaveCount(0);
  // A code cannot move under itself or its own children.
  await page.getByRole("button", { name: "Move Feelings" }).click();
  await expect(page.getByLabel("Move “Feelings” under").locator("option[value='time']")).toHaveCount(0);
  await page.getByRole("button", { name: "Cancel" }).click();

  await screenshot(page, "lead-codebook");
  await expectAccessible(page, "codebook");

  await page.getByRole("button", { name: "Merge Time together" }).click();
  await page.getByLabel("Merge “Time together” into").selectOption("avail");
  await page.getByRole("button", { name: "Merge", exact: true }).click();
  await expect(tree.locator("li[data-code='time']")).toHaveCount(0);
  await expect(page.getByText("Merged codes (1)")).toBeVisible();
  const codes = (await api<{ codes: Array<{ id: string; state: string; merged_into: string; parent: string }> }>(
    icr, study.lead, "GET", `/v1/projects/${study.project}/codes?include_merged=true`)).json.codes;
  const time = codes.find((c) => c.id === "time")!;
  expect([time.state, time.merged_into, time.parent]).toEqual(["CODE_MERGED", "avail", "feelings"]);
});

test("a code made a grouping code in the editor, and applicable again", async ({ page, context, study, icr }) => {
  await signIn(context, icr.baseUrl, study.lead);
  await open(page, `/projects/${study.project}/codebook`, "Codebook");
  const tree = page.getByRole("list", { name: "Codebook" });
  const grouping = async () => ((await api<{ codes: Array<{ id: string; grouping_only?: boolean }> }>(
    icr, study.lead, "GET", `/v1/projects/${study.project}/codes`)).json.codes.find((c) => c.id === "support")!.grouping_only);
  await page.getByRole("button", { name: /^Edit Support/ }).click();
  await page.locator("#edit-support-grouping").check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(tree.locator("li[data-code='support'] > .tree-node .badge")).toHaveText("groups");
  expect(await grouping()).toBe(true);
  await page.getByRole("button", { name: /^Edit Support/ }).click();
  await page.locator("#edit-support-grouping").uncheck();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(tree.locator("li[data-code='support'] > .tree-node .badge")).toHaveCount(0);
  expect(await grouping()).toBe(false);
});

test("documents: a UTF-8 file uploaded by paragraph; another encoding refused in words", async ({ page, context, study, icr }) => {
  await signIn(context, icr.baseUrl, study.lead);
  await open(page, `/projects/${study.project}/documents`, "Documents");
  const text = "Interviewer: Tell me about your mentor.\n\nParticipant: She was great — always there 😀.\n\nInterviewer: Thanks.\n";
  const file = join(icr.dir, "int-03.txt");
  writeFileSync(file, text);
  await page.locator("#doc-file").setInputFiles(file);
  await expect(page.locator("#doc-id")).toHaveValue("int-03");
  await page.locator("#doc-title").fill("Interview 3 — Omar");
  await page.getByLabel("Units of analysis").selectOption("SEGMENT_PARAGRAPH");
  await page.getByRole("button", { name: "Upload" }).click();
  const row = page.locator("table.documents-table tr", { hasText: "int-03" });
  await expect(row).toContainText("Interview 3 — Omar");
  await expect(row.locator("td").nth(2)).toHaveText("3");
  const stored = (await api<{ document: { text: string; length_code_points: string } }>(icr, study.lead, "GET",
    `/v1/projects/${study.project}/documents/int-03?include_text=true`)).json.document;
  expect(stored.text).toBe(text);
  expect(Number(stored.length_code_points)).toBe([...text].length);

  const latin1 = join(icr.dir, "old.txt");
  writeFileSync(latin1, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
  await page.locator("#doc-file").setInputFiles(latin1);
  await page.locator("#doc-id").fill("old");
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("alert")).toContainText("old.txt is not UTF-8 text");
  await screenshot(page, "lead-documents");
  await expectAccessible(page, "documents");
});

test("documents: a Word file by paragraph and a WebVTT transcript by speaker turn, extracted by the server", async ({ page, context, study, icr }) => {
  await signIn(context, icr.baseUrl, study.lead);
  await open(page, `/projects/${study.project}/documents`, "Documents");
  // A Word file as a typist's would be, written by Debian's pandoc.
  const markdown = join(icr.dir, "int-04.md");
  writeFileSync(markdown, "# Interview 4\n\nInterviewer: How did it start?\n\nP4: With a coffee ☕ and a plan.\n");
  const docx = join(icr.dir, "int-04.docx");
  execFileSync("pandoc", [markdown, "-o", docx]);
  await page.locator("#doc-file").setInputFiles(docx);
  await expect(page.locator("#doc-id")).toHaveValue("int-04");
  await page.getByRole("button", { name: "Upload" }).click();
  const wordRow = page.locator("table.documents-table tr", { hasText: "int-04" });
  await expect(wordRow).toContainText(".docx file");
  await expect(wordRow.locator("td").nth(2)).toHaveText("3");
  const word = (await api<{ document: { text: string; original_format: string; extraction_tool: string } }>(icr, study.lead, "GET",
    `/v1/projects/${study.project}/documents/int-04?include_text=true`)).json.document;
  expect(word.text).toBe("Interview 4\n\nInterviewer: How did it start?\n\nP4: With a coffee ☕ and a plan.\n");
  expect(word.original_format).toBe("docx");
  expect(word.extraction_tool).toMatch(/^pandoc /);

  const vtt = join(icr.dir, "zoom-05.vtt");
  writeFileSync(vtt, "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>How was the first week?\n\n" +
    "00:00:04.500 --> 00:00:09.000\n<v P5>Hard, honestly.\n\n00:00:09.000 --> 00:00:12.000\n<v P5>Then my mentor called.\n");
  await page.locator("#doc-file").setInputFiles(vtt);
  await page.getByLabel("Units of analysis").selectOption("SEGMENT_TURN");
  await expect(page.getByLabel("Speaker label pattern (optional)")).toBeVisible();
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.locator("table.documents-table tr", { hasText: "zoom-05" })).toContainText(".vtt file");
  const transcript = (await api<{ document: { segments: Array<{ speaker: string; start_ms: string }> } }>(icr, study.lead, "GET",
    `/v1/projects/${study.project}/documents/zoom-05`)).json.document;
  expect(transcript.segments.map((s) => [s.speaker, Number(s.start_ms)])).toEqual([["Interviewer", 1000], ["P5", 4500]]);

  // A scan, a file of the wrong kind: refused in words, naming the file.
  const notPdf = join(icr.dir, "scan.pdf");
  writeFileSync(notPdf, "this is not a PDF at all");
  await page.locator("#doc-file").setInputFiles(notPdf);
  await page.locator("#doc-id").fill("scan");
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("alert")).toContainText("scan.pdf:");
  await screenshot(page, "lead-documents-files");
});

test("a new round of a transcript by speaker turn leaves the interviewer's turns out of the units", async ({ page, context, study, icr }) => {
  const vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Interviewer>How was it?\n\n" +
    "00:00:03.500 --> 00:00:06.000\n<v P7>Good, mostly.\n\n00:00:06.000 --> 00:00:08.000\n<v Interviewer>Why?\n\n" +
    "00:00:08.500 --> 00:00:11.000\n<v P7>My mentor listened.\n";
  const added = await api(icr, study.lead, "POST", `/v1/projects/${study.project}/documents`, {
    id: "zoom-07", title: "Zoom 7", original: Buffer.from(vtt).toString("base64"), original_format: "vtt",
    segmentation: "SEGMENT_TURN", request_id: `zoom-07-${Date.now()}`,
  });
  expect(added.status).toBe(200);
  await signIn(context, icr.baseUrl, study.lead);
  await open(page, `/projects/${study.project}/new-round`, "New round");
  await page.locator("#round-id").fill("turns");
  await page.getByRole("group", { name: /Documents/ }).getByLabel("zoom-07", { exact: false }).check();
  await page.getByRole("group", { name: /Coders/ }).getByLabel("All").check();
  const speakers = page.getByRole("group", { name: "Units: the turns of these speakers" });
  await expect(speakers.getByLabel("Interviewer")).toBeChecked();
  await expect(speakers.getByLabel("P7")).toBeChecked();
  await speakers.getByLabel("Interviewer").uncheck();
  await screenshot(page, "lead-new-round-speakers");
  await page.getByRole("button", { name: "Create the round" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Peer mentoring interviews" })).toBeVisible();
  const round = (await api<{ round: { exclude_speakers: string[]; speakers: string[] } }>(icr, study.lead, "GET",
    `/v1/projects/${study.project}/rounds/turns`)).json.round;
  expect(round.exclude_speakers).toEqual(["Interviewer"]);
  expect(round.speakers).toEqual([]);
});

test("a new blind round of chosen documents and coders; a member added with a role", async ({ page, context, study, icr }) => {
  await signIn(context, icr.baseUrl, study.lead);
  await open(page, `/projects/${study.project}/new-round`, "New round");
  await page.locator("#round-id").fill("main");
  await page.locator("#round-title").fill("Main round");
  await page.getByRole("group", { name: /Documents/ }).getByLabel("int-01", { exact: false }).check();
  await page.getByRole("group", { name: /Coders/ }).getByLabel("All").check();
  await expect(page.getByLabel(/Blind: while the round is open/)).toBeChecked();
  await screenshot(page, "lead-new-round");
  await expectAccessible(page, "new round");
  await page.getByRole("button", { name: "Create the round" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Peer mentoring interviews" })).toBeVisible();
  const round = (await api<{ round: { documents: string[]; coders: string[]; blind: boolean } }>(icr, study.lead, "GET",
    `/v1/projects/${study.project}/rounds/main`)).json.round;
  expect(round).toEqual(expect.objectContaining({ documents: ["int-01"], coders: ["alice", "bob", "carol"], blind: true }));

  const newcomer = await icr.createUser(`nina${Date.now() % 100000}`, "Nina New");
  await open(page, `/projects/${study.project}/members`, "Members and roles");
  await page.locator("#member-user").fill(newcomer.id);
  await page.locator("#member-role").selectOption("REVIEWER");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("table.members-table tr", { hasText: newcomer.id })).toContainText("reviewer");
  await screenshot(page, "lead-members");
  await expectAccessible(page, "members");
});
