import { spawn } from 'node:child_process';
import readline from 'node:readline';

/** A command that failed: names the step, the exact command line and the tail of its output. */
export class CommandError extends Error {
  readonly step: string;
  readonly commandLine: string;
  readonly exitCode: number | null;
  readonly outputTail: string;

  constructor(props: Readonly<{ step: string; commandLine: string; exitCode: number | null; outputTail: string }>) {
    super(
      `${props.step} failed: \`${props.commandLine}\` exited with ${String(props.exitCode)}\n` +
        `--- last output ---\n${props.outputTail}\n--- fix the cause above and run the command again ---`,
    );
    this.name = 'CommandError';
    this.step = props.step;
    this.commandLine = props.commandLine;
    this.exitCode = props.exitCode;
    this.outputTail = props.outputTail;
  }
}

export interface RunOptions {
  readonly step: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Called for every output line (stdout and stderr), e.g. to show progress. */
  readonly onLine?: (line: string) => void;
  readonly timeoutMs?: number;
}

const TAIL_LINES = 25;

/** Runs a command to completion; resolves with stdout, rejects with a CommandError. */
export function runCommand(command: string, args: readonly string[], options: RunOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: string[] = [];
    const tail: string[] = [];
    const remember = (line: string): void => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      options.onLine?.(line);
    };
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      stdout.push(line);
      remember(line);
    });
    readline.createInterface({ input: child.stderr }).on('line', remember);
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
          }, options.timeoutMs);
    const commandLine = [command, ...args].join(' ');
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new CommandError({ step: options.step, commandLine, exitCode: null, outputTail: err.message }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve(stdout.join('\n'));
      } else {
        reject(new CommandError({ step: options.step, commandLine, exitCode: code, outputTail: tail.join('\n') }));
      }
    });
  });
}
