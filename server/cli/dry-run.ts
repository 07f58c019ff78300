/**
 * `quytrinh dry-run <file> [--vars JSON] [--outcomes JSON] [--received ISO] [--channel desk|online|post]
 * [--process ID] [--with other.bpmn]...`: runs the procedure in memory and prints
 * `{ completed, endEvent, path, appointment }` as JSON. Exit 0 when it reaches an end; 1 when it is
 * stuck or loops (with the marking) or the diagram is refused (with diagnostics); 2 on unusable input.
 */
import { readFile } from 'node:fs/promises';
import { dryRun, hasErrors, isEngineError, readProcedure } from '../../engine/index.ts';
import type { CaseData, Channel, DefinitionsModel, Diagnostic } from '../../engine/index.ts';
import { EXIT } from './index.ts';

const USAGE = 'Usage: quytrinh dry-run <file.bpmn> [--vars JSON] [--outcomes JSON] [--received ISO] [--channel desk|online|post] [--process ID] [--with other.bpmn]...\n';

class UsageError extends Error {}

interface Parsed {
  file: string;
  vars: CaseData;
  outcomes: Record<string, string | string[]>;
  received?: string;
  channel?: Channel;
  processId?: string;
  withFiles: string[];
}

function parseJsonObject(flag: string, text: string | undefined): Record<string, unknown> {
  if (text === undefined) throw new UsageError(`${flag} needs a JSON object`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new UsageError(`${flag} is not valid JSON: ${(cause as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${flag} must be a JSON object`);
  return value as Record<string, unknown>;
}

function parseArgs(args: string[]): Parsed {
  const files: string[] = [];
  const parsed: Omit<Parsed, 'file'> = { vars: {}, outcomes: {}, withFiles: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--vars': parsed.vars = parseJsonObject(arg, args[++i]); break;
      case '--outcomes': {
        const outcomes = parseJsonObject(arg, args[++i]);
        for (const [key, v] of Object.entries(outcomes)) {
          if (typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) throw new UsageError(`--outcomes: "${key}" must be an outcome or a list of outcomes`);
        }
        parsed.outcomes = outcomes as Record<string, string | string[]>;
        break;
      }
      case '--received': {
        const text = value();
        if (Number.isNaN(Date.parse(text))) throw new UsageError(`--received "${text}" is not an ISO date-time`);
        parsed.received = text;
        break;
      }
      case '--channel': {
        const text = value();
        if (text !== 'desk' && text !== 'online' && text !== 'post') throw new UsageError('--channel must be desk, online or post');
        parsed.channel = text;
        break;
      }
      case '--process': parsed.processId = value(); break;
      case '--with': parsed.withFiles.push(value()); break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        files.push(arg);
    }
  }
  if (files.length !== 1) throw new UsageError('give exactly one file');
  return { file: files[0]!, ...parsed };
}

/** Reads one file into a model; refused documents come back as diagnostics. */
async function load(file: string): Promise<{ definitions?: DefinitionsModel; diagnostics: readonly Diagnostic[] }> {
  const xml = await readFile(file, 'utf8');
  try {
    return await readProcedure(xml);
  } catch (cause) {
    if (isEngineError(cause)) return { diagnostics: cause.diagnostics.length > 0 ? cause.diagnostics : [{ code: cause.code, severity: 'error', message: cause.message }] };
    throw cause;
  }
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  let parsed: Parsed;
  try {
    parsed = parseArgs(args);
  } catch (cause) {
    if (!(cause instanceof UsageError)) throw cause;
    process.stderr.write(`quytrinh dry-run: ${cause.message}\n${USAGE}`);
    return EXIT.usage;
  }
  const loaded: { file: string; definitions?: DefinitionsModel; diagnostics: readonly Diagnostic[] }[] = [];
  for (const file of [parsed.file, ...parsed.withFiles]) {
    try {
      loaded.push({ file, ...(await load(file)) });
    } catch (cause) {
      process.stderr.write(`quytrinh dry-run: cannot read ${file}: ${(cause as Error).message}\n`);
      return EXIT.usage;
    }
  }
  const refused = loaded.filter((l) => !l.definitions || hasErrors(l.diagnostics));
  if (refused.length > 0) {
    process.stdout.write(`${JSON.stringify({ completed: false, refused: refused.map((r) => r.file), diagnostics: refused.flatMap((r) => r.diagnostics) }, null, 2)}\n`);
    return EXIT.refused;
  }
  const [main, ...extra] = loaded.map((l) => l.definitions!);
  const result = dryRun(main!, {
    variables: parsed.vars,
    outcomes: parsed.outcomes,
    receivedAt: parsed.received ?? new Date().toISOString(),
    ...(parsed.channel ? { channel: parsed.channel } : {}),
    ...(parsed.processId ? { processId: parsed.processId } : {}),
    extraDefinitions: extra,
  });
  const output = {
    completed: result.completed,
    endEvent: result.endEvent ?? null,
    path: result.path,
    appointment: result.appointment ?? null,
    ...(result.completed ? {} : { marking: result.marking ?? [] }),
    ...(result.diagnostics.length > 0 ? { diagnostics: result.diagnostics } : {}),
  };
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  return result.completed ? EXIT.ok : EXIT.refused;
}
