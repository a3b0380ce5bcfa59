// Lists user-visible text written into the app's components (src/**/*.tsx)
// instead of taken from the message catalogs (src/i18n): JSX text, the
// strings of visible attributes (aria-label, title, placeholder, alt) and of
// the props that become visible text (a Loading's `what`, a legend, a label),
// strings shown as JSX children, and messages passed to setError, announce
// and new Error. Text inside <code> and <kbd> (commands, keys) is not prose.
// Exits 1 with file:line for each, so `node scripts/untranslated.mjs` is the check.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, "../src");
const VISIBLE_ATTRIBUTES = new Set(["aria-label", "aria-description", "title", "placeholder", "alt", "what", "legend", "label"]);
const MESSAGE_CALLS = new Set(["setError", "announce", "Error"]);
// Strings that are names or formats, not language.
const ALLOWED = new Set(["icr", "-----BEGIN PUBLIC KEY-----"]);
const WORDS = /[A-Za-z]{2,}/;

function tsxFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return tsxFiles(full);
    return name.endsWith(".tsx") ? [full] : [];
  });
}

function textOf(node) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(" ");
  return null;
}

function insideProse(node) {
  for (let p = node.parent; p; p = p.parent) {
    if (ts.isJsxElement(p)) {
      const tag = p.openingElement.tagName.getText();
      if (tag === "code" || tag === "kbd") return false;
    }
  }
  return true;
}

// Where a string ends up when it flows up through ?:, &&, ||, ?? and parentheses.
function destination(node) {
  let p = node.parent;
  let child = node;
  while (p && (ts.isParenthesizedExpression(p) || (ts.isConditionalExpression(p) && child !== p.condition) ||
         (ts.isBinaryExpression(p) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken,
           ts.SyntaxKind.QuestionQuestionToken].includes(p.operatorToken.kind) && child === p.right))) {
    child = p;
    p = p.parent;
  }
  return p;
}

const findings = [];
for (const file of tsxFiles(src)) {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const report = (node, text) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart());
    findings.push(`${relative(join(here, ".."), file)}:${line + 1}: ${JSON.stringify(text.trim().slice(0, 70))}`);
  };
  const visit = (node) => {
    if (ts.isJsxText(node) && WORDS.test(node.text) && !ALLOWED.has(node.text.trim()) && insideProse(node)) report(node, node.text);
    const text = textOf(node);
    if (text !== null && WORDS.test(text) && !ALLOWED.has(text)) {
      const to = destination(node);
      if (to && ts.isJsxAttribute(to) && VISIBLE_ATTRIBUTES.has(to.name.getText())) report(node, text);
      if (to && ts.isJsxExpression(to)) {
        const holder = to.parent;
        if ((ts.isJsxElement(holder) || ts.isJsxFragment(holder)) && insideProse(to)) report(node, text);
        if (ts.isJsxAttribute(holder) && VISIBLE_ATTRIBUTES.has(holder.name.getText())) report(node, text);
      }
      if (to && (ts.isCallExpression(to) || ts.isNewExpression(to)) &&
          MESSAGE_CALLS.has(to.expression.getText().split(".").pop())) report(node, text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
if (findings.length > 0) {
  console.error(`User-visible text outside the message catalogs (src/i18n):\n  ${findings.join("\n  ")}`);
  process.exit(1);
}
console.log("untranslated: every user-visible text of src/**/*.tsx comes from the message catalogs");
