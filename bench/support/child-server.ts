import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STOP_TIMEOUT_MS = 20_000;
const bench = fileURLToPath(new URL('..', import.meta.url));

/** A server under load in a process of its own, as the benchmarks start them. */
export interface ChildServer {
  url: string;
  /** Starts timing the server's CPU; the function returned gives the share of one core it used since. */
  measureCpu(): Promise<() => Promise<number>>;
  stop(): Promise<void>;
}

/**
 * Forks `script` (relative to bench/) on the TypeScript sources. The child sends `{ url }` once it
 * listens, answers `cpu` with its CPU time and clock, and stops on `stop`; its stdout goes nowhere
 * (request logs), its stderr shows.
 */
export async function startChildServer(script: string, env: Record<string, string>, execArgv: string[] = []): Promise<ChildServer> {
  const child: ChildProcess = fork(join(bench, script), {
    cwd: join(bench, '..'),
    execArgv: ['--conditions=cartwright-source', '--disable-warning=ExperimentalWarning', ...execArgv],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { url: string }).url));
    void exited.then((code) => reject(new Error(`${script} exited (${code}) before it listened`)));
  });
  const cpuSample = () =>
    new Promise<{ micros: number; nanos: bigint }>((resolve) => {
      const onMessage = (message: unknown) => {
        const answer = message as { cpu?: NodeJS.CpuUsage; at?: string };
        if (!answer.cpu) return;
        child.off('message', onMessage);
        resolve({ micros: answer.cpu.user + answer.cpu.system, nanos: BigInt(answer.at!) });
      };
      child.on('message', onMessage);
      child.send('cpu');
    });
  return {
    url,
    async measureCpu() {
      const start = await cpuSample();
      return async () => {
        const end = await cpuSample();
        return (end.micros - start.micros) / (Number(end.nanos - start.nanos) / 1_000);
      };
    },
    async stop() {
      if (child.connected) child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
