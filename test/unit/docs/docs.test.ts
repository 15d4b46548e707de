import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commandTable.js';
import { commandLines, headingSlugs, markdownLinks, npmScripts } from './markdown.js';

// The README and docs/ are what a newcomer follows on day one: every relative link must land on a
// file (and heading) that exists, every `finetune …` command must name a real command and only
// options it has, and every `npm run …` a script in package.json.

const ROOT = join(import.meta.dirname, '..', '..', '..');
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (page: string) => readFileSync(join(ROOT, page), 'utf8');

async function loadCommands(): Promise<Map<string, Command>> {
  const loaded = await Promise.all(COMMANDS.map(async ([name, load]) => [name, await load()]));
  return new Map(loaded as [string, Command][]);
}

/** Long option names a command (or its subcommand) accepts, `--no-x` forms included. */
function optionNames(cmd: Command): Set<string> {
  const names = new Set(['--help']);
  for (const o of cmd.options) if (o.long) names.add(o.long);
  return names;
}

describe('docs', () => {
  it('has pages to check', () => {
    expect(PAGES.length).toBeGreaterThan(5);
  });

  it.each(PAGES)('%s: every relative link lands on a file and heading that exist', (page) => {
    const broken: string[] = [];
    for (const link of markdownLinks(read(page))) {
      if (/^[a-z]+:/i.test(link)) continue;
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const file = path ? resolve(dirname(join(ROOT, page)), path) : join(ROOT, page);
      if (!existsSync(file)) {
        broken.push(`${link} (no file ${relative(ROOT, file)})`);
        continue;
      }
      if (anchor && file.endsWith('.md') && !headingSlugs(readFileSync(file, 'utf8')).has(anchor)) {
        broken.push(`${link} (no heading #${anchor} in ${relative(ROOT, file)})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every `finetune …` in the docs names a command and options it has', async () => {
    const commands = await loadCommands();
    const wrong: string[] = [];
    for (const page of PAGES) {
      for (const line of commandLines(read(page))) {
        let cmd = commands.get(line.words[0] ?? '');
        if (!cmd) {
          wrong.push(`${page}: \`${line.text}\`: no command "${line.words[0]}"`);
          continue;
        }
        const sub = cmd.commands.find((c) => c.name() === line.words[1]);
        if (sub) cmd = sub;
        const known = optionNames(cmd);
        for (const flag of line.flags) {
          if (!known.has(flag))
            wrong.push(`${page}: \`${line.text}\`: ${cmd.name()} has no ${flag}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000); // imports every command's module: slow only on a loaded machine

  it('every file or folder the docs name exists (a moved file names its page here)', () => {
    const named = PAGES.flatMap((page) =>
      [...read(page).matchAll(/`((?:src|test|scripts|bench|deploy|docs|tools)\/[^`\s*]*)`/g)]
        .map((m) => m[1]!)
        .filter((path) => !path.includes('{'))
        .map((path) => ({ page, path })),
    );
    expect(named.filter((n) => n.page === 'docs/architecture.md').length).toBeGreaterThan(40);
    const missing = named.filter((n) => !existsSync(join(ROOT, n.path)));
    expect(missing.map((n) => `${n.page}: ${n.path}`)).toEqual([]);
  });

  it('every `npm run …` in the docs is a script of package.json', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const missing = PAGES.flatMap((page) =>
      [...npmScripts(read(page))].filter((s) => !(s in pkg.scripts)).map((s) => `${page}: ${s}`),
    );
    expect(missing).toEqual([]);
  });
});
