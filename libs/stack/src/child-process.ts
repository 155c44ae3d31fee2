import type { ChildProcess } from 'node:child_process';

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Keeps the last few KB of a child's output so a failed start can say why. */
export class OutputTail {
  private buffer = '';
  constructor(private readonly limit = 16 * 1024) {}
  push(text: string): void {
    this.buffer = (this.buffer + text).slice(-this.limit);
  }
  text(): string {
    return this.buffer.trim();
  }
}

/** Sends `signal`, then SIGKILL if the child has not exited after `timeoutMs`; resolves once it is gone. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  // Never spawned, or already gone: nothing to wait for.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill(signal);
  });
}
