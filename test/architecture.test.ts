import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The engine runs in the browser and replays deterministically: no I/O, no wall clock, no randomness.
const ENGINE = join(import.meta.dirname, '..', 'engine');
const FORBIDDEN_IMPORTS = [/^node:/, /^(fs|path|os|child_process|crypto|http|https|net|worker_threads)$/, /^kysely/, /^hono/, /^@hono\//, /^better-sqlite3/, /^pg$/, /\/server\//, /\/editor\//, /^\.\.\/(\.\.\/)*(server|editor)/];
const FORBIDDEN_CALLS: [RegExp, string][] = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date()'],
  [/\bDateTime\.(now|local)\s*\(\s*\)/, 'DateTime.now()'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\bsetTimeout\s*\(/, 'setTimeout'],
  [/\bsetInterval\s*\(/, 'setInterval'],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

function importsOf(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g), ...source.matchAll(/import\s*\(\s*['"]([^'"]+)['"]\s*\)/g), ...source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)];
  return specifiers.map((m) => m[1]!);
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

export function violations(files: { path: string; source: string }[]): string[] {
  const found: string[] = [];
  for (const { path, source } of files) {
    for (const spec of importsOf(source)) {
      if (FORBIDDEN_IMPORTS.some((re) => re.test(spec))) found.push(`${path}: imports ${spec}`);
    }
    const code = stripComments(source);
    for (const [re, label] of FORBIDDEN_CALLS) if (re.test(code)) found.push(`${path}: calls ${label}`);
  }
  return found;
}

describe('architecture', () => {
  it('should keep engine/ free of I/O, wall clock and randomness', () => {
    const files = sourceFiles(ENGINE).map((path) => ({ path: relative(ENGINE, path), source: readFileSync(path, 'utf8') }));
    expect(files.length).toBeGreaterThan(0);
    expect(violations(files)).toEqual([]);
  });

  it('should catch each forbidden import and call', () => {
    const bad = [
      "import { readFileSync } from 'node:fs';",
      "import { Kysely } from 'kysely';",
      "import { Hono } from 'hono';",
      "import Database from 'better-sqlite3';",
      "import pg from 'pg';",
      "import { x } from '../server/app.ts';",
      "import { y } from '../../editor/main.ts';",
      'const t = Date.now();',
      'const d = new Date();',
      'const n = DateTime.now();',
      'const r = Math.random();',
      'setTimeout(() => {}, 1);',
    ];
    for (const source of bad) expect(violations([{ path: 'x.ts', source }]), source).toHaveLength(1);
    expect(violations([{ path: 'ok.ts', source: "import { DateTime } from 'luxon';\nconst d = new Date('2026-01-01'); // Date.now() in a comment is fine" }])).toEqual([]);
  });
});
