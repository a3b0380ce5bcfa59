// Numbers and plurals in the interface's language, by Intl: Persian gets
// Persian digits (۱۲۳) and its own plural categories, English "1 document"
// and "2 documents".
import { signal } from "@preact/signals";

/** The interface's language tag (BCP 47), e.g. "en" or "fa". */
export const locale = signal("en");

const numbers = new Map<string, Intl.NumberFormat>();
const plurals = new Map<string, Intl.PluralRules>();

/** `n` written in the interface's language. */
export function num(n: number | string): string {
  const tag = locale.value;
  let format = numbers.get(tag);
  if (!format) numbers.set(tag, (format = new Intl.NumberFormat(tag)));
  return format.format(Number(n));
}

/**
 * The form of `forms` for `n`'s plural category in the interface's language
 * (ICU's plural selection), "#" replaced by the number; "other" is required,
 * the rest as the language needs them.
 */
export function plural(n: number | string, forms: Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }): string {
  const tag = locale.value;
  let rules = plurals.get(tag);
  if (!rules) plurals.set(tag, (rules = new Intl.PluralRules(tag)));
  const form = forms[rules.select(Number(n))] ?? forms.other;
  return form.replace("#", num(n));
}

/** `text` kept left to right inside any paragraph: hashes, key ids, times, field names. */
export function ltr(text: string): string {
  return `\u2066${text}\u2069`;
}

/** `text` in the direction of its own first letter: names, which may be Persian or Latin. */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}

/** "2026-12-02 01:24:43 UTC", of seconds since the epoch. */
export function utcSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ") + " UTC";
}
