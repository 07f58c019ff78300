/**
 * `quytrinh <command>`: each command is a module exporting `run(args) → exit code`.
 * Exit codes are part of the interface: 0 success, 1 refused input, 2 unusable arguments.
 */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

type Command = { summary: string; load: () => Promise<{ run: (args: string[]) => Promise<number> }> };

const COMMANDS: Record<string, Command> = {
  serve: { summary: 'start the server (API + browser app)', load: () => import('./serve.ts') },
  validate: { summary: 'validate a BPMN file and print diagnostics', load: () => import('./validate.ts') },
  'dry-run': { summary: 'run a procedure in memory and print its path and appointment', load: () => import('./dry-run.ts') },
  calendar: { summary: 'working-calendar arithmetic: due dates and non-working days', load: () => import('./calendar.ts') },
  simulate: { summary: 'generate a realistic case history through the server code', load: () => import('./simulate.ts') },
  export: { summary: 'export step-time audits (csv, json, xes)', load: () => import('./export.ts') },
  audit: { summary: 'audit verify: check the hash chains of the audit log', load: () => import('./audit.ts') },
  backup: { summary: 'write a consistent copy of the database', load: () => import('./backup.ts') },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: quytrinh <command> [options]\n\nCommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`quytrinh: unknown command "${name}"\n\n${usage()}`);
    return EXIT.usage;
  }
  const module = await command.load();
  return module.run(rest);
}
