// A real icr-server on loopback ports with a temporary data dir, and the real
// icr CLI to set up users, a project, its codebook, documents and rounds.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const buildDir = resolve(process.env.ICR_BUILD_DIR ?? join(__dirname, "../../build"));
export const serverBinary = join(buildDir, "server/icr-server");
export const cliBinary = join(buildDir, "client/icr");
export const screenshotDir = join(buildDir, "web-screenshots");

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class IcrServer {
  readonly dir: string;
  readonly dataDir: string;
  private child: ChildProcess | undefined;
  private log = "";
  grpcAddress = "";
  baseUrl = "";
  adminTokenFile = "";

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "icr-web-e2e-"));
    this.dataDir = join(this.dir, "data");
  }

  async start(): Promise<void> {
    const httpPort = await freePort();
    this.child = spawn(
      serverBinary,
      ["--listen", "127.0.0.1:0", "--http_listen", `127.0.0.1:${httpPort}`, "--data_dir", this.dataDir, "--sync=false"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const collect = (chunk: Buffer) => {
      this.log += chunk.toString();
    };
    this.child.stdout!.on("data", collect);
    this.child.stderr!.on("data", collect);
    const exited = new Promise<never>((_, fail) =>
      this.child!.once("exit", (code) => fail(new Error(`icr-server exited (${code}):\n${this.log}`))),
    );
    exited.catch(() => {});
    const port = await Promise.race([
      until("icr-server's gRPC port", async () => /listening on port (\d+)/.exec(this.log)?.[1]),
      exited,
    ]);
    this.grpcAddress = `127.0.0.1:${port}`;
    this.baseUrl = `http://127.0.0.1:${httpPort}`;
    await until("the HTTP listener", async () => {
      const answer = await fetch(`${this.baseUrl}/v1/users/me`);
      return answer.status === 401 ? true : undefined;
    });
    this.adminTokenFile = join(this.dataDir, "admin.token");
    await until("admin.token", async () => (existsSync(this.adminTokenFile) ? true : undefined));
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const done = new Promise((r) => this.child!.once("exit", r));
      this.child.kill("SIGTERM");
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
      if (this.child.exitCode === null) this.child.kill("SIGKILL");
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs the icr CLI as the user whose token is in `tokenFile` (default: admin). */
  async cli(args: string[], tokenFile = this.adminTokenFile): Promise<string> {
    try {
      const { stdout } = await run(cliBinary, ["--server", this.grpcAddress, "--token_file", tokenFile, ...args], {
        cwd: this.dir,
        maxBuffer: 64 << 20,
      });
      return stdout;
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`icr ${args.join(" ")} failed: ${e.stderr ?? e.message}`);
    }
  }

  async cliJson<T>(args: string[], tokenFile?: string): Promise<T> {
    return JSON.parse(await this.cli(["--output", "json", ...args], tokenFile)) as T;
  }

  /** Creates a user and keeps its token in a file; returns the file. */
  async createUser(id: string, displayName: string): Promise<{ id: string; tokenFile: string; token: string }> {
    const answer = await this.cliJson<{ token: string }>(["user", "create", id, "--display_name", displayName]);
    const tokenFile = join(this.dir, `${id}.token`);
    writeFileSync(tokenFile, answer.token + "\n", { mode: 0o600 });
    return { id, tokenFile, token: answer.token };
  }

  /** Writes `text` to a file and adds it as a document. */
  async addDocument(project: string, id: string, title: string, text: string, segment: string, tokenFile: string) {
    const file = join(this.dir, `${project}-${id}.txt`);
    writeFileSync(file, text);
    await this.cli(["doc", "add", project, id, "--file", file, "--title", title, "--segment", segment], tokenFile);
  }

  serverLog(): string {
    return this.log;
  }
}

export interface Person {
  id: string;
  tokenFile: string;
  token: string;
}

export interface Study {
  project: string;
  round: string;
  lead: Person;
  coders: Person[];
  documents: { id: string; title: string; text: string }[];
}

// An invented interview study, small enough to read in a screenshot.
export const interviewText = [
  "Interviewer: How did you first meet your mentor?",
  "",
  "Participant: We were matched in the first week of term. She was always available when I needed her, even late in the evening, and that made a real difference to how I settled in.",
  "",
  "Interviewer: Was there a time when that was not the case?",
  "",
  "Participant: Around exams she was too busy to answer. I felt a bit abandoned then, honestly, but I understood why. Later she apologised and we made a plan together.",
  "",
  "Interviewer: What did you take from the experience?",
  "",
  "Participant: That asking for help is fine. I trust people more easily now, and I mentor two first-year students myself.",
].join("\n");

// Emoji, a CRLF line end and a combining mark: offsets differ between the
// browser's UTF-16 units and icr's code points.
export const unicodeText =
  "Participant: I was so happy 😀 that day.\r\nThen it got complicated with the café and the na\u0308ive plan.\r\n\r\nInterviewer: And after 🎉 that?\r\nParticipant: We talked it through.";

export const codebook: { id: string; name: string; parent?: string; definition?: string; inclusion?: string; exclusion?: string; example?: string }[] = [
  { id: "support", name: "Support", definition: "How the mentor supported the participant." },
  {
    id: "avail",
    name: "Availability",
    parent: "support",
    definition: "Whether the mentor had time for the participant.",
    inclusion: "Mentions of time, schedules, answering or not answering.",
    exclusion: "The quality of the advice itself (use Advice).",
    example: "She was always available when I needed her.",
  },
  {
    id: "advice",
    name: "Advice",
    parent: "support",
    definition: "Concrete guidance the mentor gave.",
    inclusion: "Plans, suggestions, explanations.",
    exclusion: "Emotional reassurance without content (use Reassurance).",
    example: "We made a plan together.",
  },
  { id: "reassure", name: "Reassurance", parent: "support", definition: "Emotional comfort from the mentor." },
  { id: "feelings", name: "Feelings", definition: "The participant's emotions." },
  {
    id: "positive",
    name: "Positive emotion",
    parent: "feelings",
    definition: "Joy, relief, gratitude or trust.",
    inclusion: "Explicit positive feelings.",
    exclusion: "Politeness formulas.",
    example: "I trust people more easily now.",
  },
  {
    id: "negative",
    name: "Negative emotion",
    parent: "feelings",
    definition: "Sadness, anger, feeling abandoned.",
    example: "I felt a bit abandoned then.",
  },
  { id: "growth", name: "Personal growth", definition: "Change in the participant over time." },
];

let studyCount = 0;

/**
 * A project with a lead, three coders, the codebook, two documents (the
 * interview by paragraph, the Unicode one by line) and a blind round.
 */
export async function createStudy(server: IcrServer, people: { lead: Person; coders: Person[] }): Promise<Study> {
  const project = `study${++studyCount}`;
  const lead = people.lead;
  await server.cli(["project", "create", project, "--title", "Peer mentoring interviews", "--description", "First-year students on their mentors.", "--blind"]);
  await server.cli(["member", "add", project, lead.id, "--role", "lead"]);
  for (const coder of people.coders) await server.cli(["member", "add", project, coder.id, "--role", "coder"]);
  for (const code of codebook) {
    const args = ["code", "add", project, code.id, "--name", code.name];
    if (code.parent) args.push("--parent", code.parent);
    if (code.definition) args.push("--definition", code.definition);
    if (code.inclusion) args.push("--inclusion", code.inclusion);
    if (code.exclusion) args.push("--exclusion", code.exclusion);
    if (code.example) args.push("--example", code.example);
    await server.cli(args, lead.tokenFile);
  }
  const documents = [
    { id: "int-01", title: "Interview 1 — Maya", text: interviewText, segment: "paragraph" },
    { id: "int-02", title: "Interview 2 — Unicode", text: unicodeText, segment: "line" },
  ];
  for (const d of documents) await server.addDocument(project, d.id, d.title, d.text, d.segment, lead.tokenFile);
  await server.cli(
    ["round", "create", project, "pilot", "--docs", documents.map((d) => d.id).join(","), "--coders", people.coders.map((c) => c.id).join(","), "--blind", "--title", "Pilot round"],
    lead.tokenFile,
  );
  return { project, round: "pilot", lead, coders: people.coders, documents };
}

export function readToken(file: string): string {
  return readFileSync(file, "utf8").trim();
}
