// The interface's language: chosen by the user in the header (kept in this
// browser), by default the first of the browser's languages that icr has a
// catalog for. Components read the messages with t(), which subscribes them
// to a change of language. To add a language, add a module like fa.ts and a
// line to `languages`.
import { computed } from "@preact/signals";
import { en, type Messages } from "./en";
import { fa } from "./fa";
import { locale } from "./format";

export { num, plural } from "./format";

export const languages: Record<string, { name: string; dir: "ltr" | "rtl"; messages: Messages }> = {
  en: { name: "English", dir: "ltr", messages: en },
  fa: { name: "فارسی", dir: "rtl", messages: fa },
};

const storageKey = "icr.language";

/** The first of `wanted` (BCP 47 tags, most preferred first) that has a catalog, or "en". */
export function pickLanguage(wanted: readonly string[]): string {
  for (const tag of wanted) {
    const base = tag.toLowerCase().split("-")[0]!;
    if (base in languages) return base;
  }
  return "en";
}

function stored(): string | null {
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

const messages = computed(() => (languages[locale.value] ?? languages.en!).messages);

/** The messages of the interface's language. */
export function t(): Messages {
  return messages.value;
}

/** Switches the interface's language, lays the page out in its direction and remembers the choice. */
export function setLanguage(tag: string, remember = true): void {
  const language = languages[tag] ? tag : "en";
  locale.value = language;
  document.documentElement.lang = language;
  document.documentElement.dir = languages[language]!.dir;
  if (remember) {
    try {
      localStorage.setItem(storageKey, language);
    } catch {
      // A browser that keeps nothing still switches for this visit.
    }
  }
}

/** At start: the stored choice, else the browser's languages. */
export function initLanguage(): void {
  const choice = stored();
  setLanguage(choice && languages[choice] ? choice : pickLanguage(navigator.languages ?? [navigator.language]), false);
}
