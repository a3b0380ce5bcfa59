// Playwright fixtures: one real icr-server per worker, the study's people,
// signing a browser context in, and the checks every screen gets (axe-core,
// a screenshot, no request to another origin).
import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createStudy, IcrServer, screenshotDir, type Person, type Study } from "./harness";

export interface People {
  lead: Person;
  alice: Person;
  bob: Person;
  carol: Person;
}

interface WorkerFixtures {
  icr: IcrServer;
  people: People;
}

interface TestFixtures {
  study: Study;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  icr: [
    async ({}, use) => {
      const server = new IcrServer();
      await server.start();
      await use(server);
      await server.stop();
    },
    { scope: "worker" },
  ],
  people: [
    async ({ icr }, use) => {
      await use({
        lead: await icr.createUser("lead", "Lena Lead"),
        alice: await icr.createUser("alice", "Alice Adams"),
        bob: await icr.createUser("bob", "Bob Brown"),
        carol: await icr.createUser("carol", "Carol Chen"),
      });
    },
    { scope: "worker" },
  ],
  study: async ({ icr, people }, use) => {
    await use(await createStudy(icr, { lead: people.lead, coders: [people.alice, people.bob, people.carol] }));
  },
  baseURL: async ({ icr }, use) => {
    await use(icr.baseUrl);
  },
});

export { expect };

/** Signs the context in as `person` the way the app does: POST /v1/sessions with the token. */
export async function signIn(context: BrowserContext, baseUrl: string, person: Person): Promise<void> {
  const answer = await context.request.post(`${baseUrl}/v1/sessions`, {
    data: { token: person.token },
    headers: { Origin: baseUrl },
  });
  expect(answer.status(), await answer.text()).toBe(200);
}

/** Records every request the page makes to another origin. */
export function watchOrigins(page: Page, baseUrl: string): string[] {
  const foreign: string[] = [];
  const origin = new URL(baseUrl).origin;
  page.on("request", (request) => {
    const url = request.url();
    if (url.startsWith("data:") || url.startsWith("blob:")) return;
    if (new URL(url).origin !== origin) foreign.push(url);
  });
  return foreign;
}

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core on the page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Evaluated over the DevTools protocol: the app's CSP (script-src 'self')
  // refuses an inline <script> tag, rightly.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations;
  });
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const described = serious.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n  ` + v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary ?? ""}`).join("\n  "),
  );
  expect(described, `axe-core on the ${screen} screen`).toEqual([]);
}

/** A screenshot of the viewport (1280×800) under build/web-screenshots/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}
