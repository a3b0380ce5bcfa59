// The interface's message catalogs (client/web/src/i18n): Persian complete
// against English, numbers and plurals by Intl in the chosen language.
import assert from "node:assert/strict";
import { test } from "node:test";
import { en } from "../../../client/web/src/i18n/en";
import { fa } from "../../../client/web/src/i18n/fa";
import { locale } from "../../../client/web/src/i18n/format";
import { languages, pickLanguage } from "../../../client/web/src/i18n/index";

/** Every message of a catalog as [key path, value], arrays and records included. */
function leaves(value: unknown, path = ""): [string, unknown][] {
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  }
  return [[path, value]];
}

/** A verifier's finding with every field any kind has (verify/findings.ts), for its messages. */
const sampleEvent = { seq: 3, method: "SubmitCodings", actor: "bob", onBehalfOf: "", seconds: 0 };
const sampleFinding = {
  events: 3, seq: 3, place: { line: 3 }, reason: "truncated", found: sampleEvent, event: sampleEvent,
  project: "demo", expected: "other", listed: 7, field: "actor", shown: "carol", hashed: "alice",
  keyId: "ab12", timestampMs: 0, format: "x", named: "cd34", head: "demo", covered: 3, count: 7,
  root: "ef56", kept: "demo",
};

function render(value: unknown, key = ""): string {
  // Messages with values are called with sample values of every kind they take.
  if (typeof value !== "function") return String(value);
  const args = key.startsWith("verification.findings.") ? [sampleFinding] : ["3", "7", "OPEN"];
  return String((value as (...a: unknown[]) => unknown)(...args));
}

test("Persian has every English message, each non-empty and different from the English", () => {
  const english = new Map(leaves(en));
  const persian = new Map(leaves(fa));
  assert.deepEqual([...persian.keys()].sort(), [...english.keys()].sort());
  for (const [key, value] of persian) {
    assert.equal(typeof value, typeof english.get(key), key);
    locale.value = "fa";
    const shown = render(value, key);
    locale.value = "en";
    if (key !== "listSeparator") assert.ok(shown.trim().length > 0, key);
    const original = render(english.get(key), key);
    if (/[A-Za-z]{4,}/.test(original) && !/^(links|report\.formats)\./.test(key)) {
      assert.notEqual(shown, original, `${key} is translated`);
    }
  }
});

test("numbers and plurals follow the interface's language", () => {
  locale.value = "en";
  assert.equal(en.documentsDone(1, 1), "1 of 1 document done");
  assert.equal(en.documentsDone(2, 12), "2 of 12 documents done");
  assert.equal(en.doc.summary(1234, 1), "1,234 characters · 1 segment");
  locale.value = "fa";
  assert.equal(fa.documentsDone(2, 12), "۲ از ۱۲ سند انجام شده");
  assert.equal(fa.doc.summary(1234, 3), "۱٬۲۳۴ نویسه · ۳ بخش");
  locale.value = "en";
});

test("the default language is the first of the browser's that has a catalog", () => {
  assert.equal(pickLanguage(["fa-IR", "en-US"]), "fa");
  assert.equal(pickLanguage(["de-DE", "FA"]), "fa");
  assert.equal(pickLanguage(["de-DE", "en-GB"]), "en");
  assert.equal(pickLanguage([]), "en");
  assert.equal(languages.fa!.dir, "rtl");
  assert.equal(languages.en!.dir, "ltr");
});
