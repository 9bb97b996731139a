/**
 * Waits for one part of shutdown, at most `limitMs`. A part that hangs (a connection whose server
 * never answers, a plugin's onStop that never resolves) must not keep the process from exiting:
 * the work it leaves is picked up again after its lease or lock lifetime, which is safe; a process
 * that never exits is not. Resolves `false` when the part was left unfinished.
 */
export async function shutdownStep(work: () => Promise<unknown>, limitMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), limitMs)));
  try {
    return await Promise.race([work().then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}
