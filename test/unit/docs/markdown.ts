// Just enough Markdown reading for the docs check: links, heading anchors (GitHub's slugs) and the
// `finetune` / `npm run` commands written in code.

/** Text outside fenced code blocks, and the fenced blocks themselves. */
function split(md: string): { prose: string; fences: string[] } {
  const prose: string[] = [];
  const fences: string[] = [];
  let fence: string[] | null = null;
  for (const line of md.split('\n')) {
    if (line.trimStart().startsWith('```')) {
      if (fence) {
        fences.push(fence.join('\n'));
        fence = null;
      } else {
        fence = [];
      }
      continue;
    }
    if (fence) fence.push(line);
    else prose.push(line);
  }
  return { prose: prose.join('\n'), fences };
}

/** Inline code spans of prose. */
function codeSpans(prose: string): string[] {
  return [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
}

export function markdownLinks(md: string): string[] {
  const prose = split(md).prose.replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingSlugs(md: string): Set<string> {
  const seen = new Map<string, number>();
  const slugs = new Set<string>();
  for (const line of split(md).prose.split('\n')) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    const base = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    slugs.add(n ? `${base}-${n}` : base);
  }
  return slugs;
}

export interface CommandLine {
  text: string;
  /** The words after `finetune` that are not options or placeholders: command, subcommand. */
  words: string[];
  flags: string[];
}

function parseCommand(text: string): CommandLine | null {
  const m = /(?:^|[\s;&|(])(?:npx\s+)?finetune\s+(.*)$/.exec(text);
  if (!m) return null;
  const rest = m[1]!.replace(/\s#.*$/, '');
  const tokens = rest.split(/\s+/).filter(Boolean);
  const words: string[] = [];
  for (const t of tokens) {
    if (!/^[a-z][a-z-]*$/.test(t)) break;
    words.push(t);
    if (words.length === 2) break;
  }
  if (!words.length) return null;
  const flags = [...rest.matchAll(/(?:^|\s)(--[a-z][a-z0-9-]*)/g)].map((f) => f[1]!);
  return { text: text.trim(), words, flags };
}

/** `finetune …` commands in code: whole fenced lines (with `\` continuations) and inline spans. */
export function commandLines(md: string): CommandLine[] {
  const { prose, fences } = split(md);
  const texts: string[] = [...codeSpans(prose)];
  for (const fence of fences) {
    let joined = '';
    for (const line of fence.split('\n')) {
      joined += line.replace(/\\\s*$/, ' ');
      if (/\\\s*$/.test(line)) continue;
      texts.push(joined);
      joined = '';
    }
  }
  return texts.map(parseCommand).filter((c): c is CommandLine => c !== null);
}

/** Script names of `npm run <script>` anywhere in the page. */
export function npmScripts(md: string): Set<string> {
  return new Set([...md.matchAll(/npm run ([a-z][a-z0-9:-]*)/g)].map((m) => m[1]!));
}
