/** Starts `quytrinh serve` (or another node server script) as a real child process and waits for its "listening" line. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './app.ts';

export interface ServeProcess {
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartServeOptions {
  readonly timeoutMs?: number;
  /** Options for node itself, before the script (e.g. `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
}

export function startServe(args: readonly string[], options: StartServeOptions = {}): Promise<ServeProcess> {
  return startNodeServer([join(ROOT, 'bin', 'quytrinh.js'), 'serve', '--port', '0', ...args], /quytrinh listening on http:\/\/localhost:(\d+)/, options);
}

/** Runs `node <nodeArgs> <scriptAndArgs>` and resolves once its output matches `listening` (the port is its first group). */
export async function startNodeServer(scriptAndArgs: readonly string[], listening: RegExp, options: StartServeOptions = {}): Promise<ServeProcess> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...scriptAndArgs], { cwd: ROOT, env: { ...process.env, PORT: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  // A test run or bench that dies without stopping the server must not leave it running.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      process.off('exit', killOnExit);
      resolve(code);
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${scriptAndArgs[0]} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const m = listening.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${scriptAndArgs[0]} exited with ${code}:\n${output}`));
    });
  });
  return {
    port,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
