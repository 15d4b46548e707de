import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

// Reads the sources above `src/providers/` as TypeScript (comments ignored) and reports where
// they name a provider: an import of a provider's SDK or folder, or a string that says "OpenAI",
// "Azure" or "Together". Pure over the files, so the seam test stays a unit test.

export interface SeamFinding {
  file: string;
  line: number;
  what: string;
}

/** The providers' own SDKs: only code in src/providers/ talks to them. */
const PROVIDER_PACKAGES = /^(openai|together-ai|@azure\/[^/]+)(\/|$)/;
/** A provider's folder (src/providers/<name>/…); the seam's own files sit at its top. */
const PROVIDER_FOLDER = /(^|\/)providers\/[^/]+\//;
/** A provider named in text: as a word, in any case. */
const PROVIDER_WORD = /\b(open[ -]?ai|azure|together)\b/i;

export function listSources(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...listSources(root, path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

export function scanSource(file: string, text: string): SeamFinding[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const findings: SeamFinding[] = [];
  const at = (node: ts.Node, what: string) =>
    findings.push({
      file,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
      what,
    });
  const visit = (node: ts.Node): void => {
    const specifier =
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
        ? node.moduleSpecifier.text
        : ts.isCallExpression(node) &&
            node.expression.kind === ts.SyntaxKind.ImportKeyword &&
            node.arguments[0] &&
            ts.isStringLiteral(node.arguments[0])
          ? node.arguments[0].text
          : undefined;
    if (specifier !== undefined) {
      if (PROVIDER_PACKAGES.test(specifier)) at(node, `imports the provider SDK "${specifier}"`);
      else if (specifier.startsWith('.') && PROVIDER_FOLDER.test(specifier))
        at(node, `imports a provider's folder "${specifier}"`);
      return;
    }
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      const m = PROVIDER_WORD.exec(node.text);
      if (m) at(node, `names "${m[0]}" in ${JSON.stringify(node.text.slice(0, 80))}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

export function scanTree(root: string, dirs: string[], skip: (path: string) => boolean) {
  const findings: SeamFinding[] = [];
  for (const dir of dirs) {
    for (const file of listSources(root, dir)) {
      const rel = relative(root, join(root, file));
      if (skip(rel)) continue;
      findings.push(...scanSource(rel, readFileSync(join(root, rel), 'utf8')));
    }
  }
  return findings;
}
