// A small Dockerfile reader (continuations, comments, ARG defaults, stages) and the rules our
// image must keep. Returns readable problems, empty when all hold.
import { SECRET_KEY } from './composeChecks.js';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
  all: Instruction[];
}

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (!current && (/^\s*#/.test(line) || !line.trim())) continue;
    if (line.endsWith('\\')) current += `${line.slice(0, -1)} `;
    else {
      lines.push((current + line).trim());
      current = '';
    }
  }
  if (current.trim()) lines.push(current.trim());
  return lines;
}

export function parseDockerfile(text: string): Dockerfile {
  const all = logicalLines(text)
    .filter((l) => !/^#/.test(l))
    .map((l) => {
      const [keyword = '', ...rest] = l.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of all) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      stages.push({ base: m?.[1] ?? ins.args, name: m?.[2], instructions: [] });
    } else if (stages.length === 0 && ins.keyword === 'ARG') {
      const [name = '', value = ''] = ins.args.split('=');
      globalArgs[name] = value;
    } else stages.at(-1)?.instructions.push(ins);
  }
  return { globalArgs, stages, all };
}

/** The JSON (exec) form of ENTRYPOINT/CMD, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const expand = (text: string, args: Record<string, string>) =>
  text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => args[name] ?? '');

const last = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).at(-1);

const runs = (stage: Stage) =>
  stage.instructions
    .filter((i) => i.keyword === 'RUN')
    .map((i) => i.args)
    .join(' && ');

export interface ImageExpectations {
  nodeMajor: string;
  entrypoint: readonly string[];
  defaultCommand: readonly string[];
}

export function checkDockerfile(text: string, x: ImageExpectations): string[] {
  const d = parseDockerfile(text);
  const problems: string[] = [];
  const final = d.stages.at(-1);
  if (!final || d.stages.length < 2) return ['expected a multi-stage build (build, then runtime)'];

  for (const stage of d.stages) {
    const base = expand(stage.base, d.globalArgs);
    if (d.stages.some((s) => s.name === stage.base)) continue;
    if (base !== `node:${x.nodeMajor}-bookworm-slim`) {
      problems.push(
        `stage ${stage.name ?? '?'} is based on ${base}, not node:${x.nodeMajor}-bookworm-slim`,
      );
    }
  }
  const build = d.stages.slice(0, -1).map(runs).join(' && ');
  if (!/\bnpm ci\b/.test(build)) problems.push('the build stage does not run `npm ci`');
  if (!/\bnpm run build\b/.test(build))
    problems.push('the build stage does not run `npm run build`');
  if (
    !/\bnpm prune\b[^&]*--omit=dev/.test(build) &&
    !/\bnpm ci\b[^&]*--omit=dev/.test(runs(final))
  ) {
    problems.push('dev dependencies are not pruned from the runtime image');
  }
  if (!final.instructions.some((i) => i.keyword === 'COPY' && /--from=/.test(i.args))) {
    problems.push('the runtime stage copies nothing from the build stage');
  }

  const user = last(final, 'USER')?.args.split(':')[0];
  if (!user || user === 'root' || user === '0') {
    problems.push(
      `the runtime stage runs as ${user ?? 'root (no USER)'}; set an unprivileged USER`,
    );
  }
  const entrypoint = execForm(last(final, 'ENTRYPOINT')?.args ?? '');
  if (JSON.stringify(entrypoint) !== JSON.stringify(x.entrypoint)) {
    problems.push(
      `ENTRYPOINT is ${JSON.stringify(entrypoint)}, expected ${JSON.stringify(x.entrypoint)}`,
    );
  }
  const cmd = execForm(last(final, 'CMD')?.args ?? '');
  if (JSON.stringify(cmd) !== JSON.stringify(x.defaultCommand)) {
    problems.push(`CMD is ${JSON.stringify(cmd)}, expected ${JSON.stringify(x.defaultCommand)}`);
  }

  // ENV and ARG values end up in the image's metadata: no credentials there.
  for (const i of d.all.filter((ins) => ins.keyword === 'ENV' || ins.keyword === 'ARG')) {
    const names = i.args.split(/\s+/).map((pair) => pair.split('=')[0] ?? '');
    for (const name of names.filter((n) => SECRET_KEY.test(n))) {
      problems.push(`${i.keyword} ${name} would bake a secret into the image`);
    }
  }
  return problems;
}

/** .dockerignore must keep local secrets and bulky folders out of the build context. */
export function checkDockerignore(text: string, mustIgnore: readonly string[]): string[] {
  const patterns = new Set(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
  return mustIgnore
    .filter((p) => !patterns.has(p))
    .map((p) => `.dockerignore does not exclude ${p}`);
}
