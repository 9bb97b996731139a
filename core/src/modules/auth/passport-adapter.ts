import type { Strategy } from 'passport';

export type StrategyOutcome<U> = { ok: true; user: U } | { ok: false; info: unknown };

/**
 * Runs a passport strategy outside Express: passport's middleware normally grafts `success`,
 * `fail` and `error` onto a copy of the strategy; this does the same and turns them into a promise.
 */
export function runStrategy<U>(strategy: Strategy, request: object): Promise<StrategyOutcome<U>> {
  return new Promise((resolve, reject) => {
    const attempt = Object.create(strategy) as Strategy & {
      success(user: U): void;
      fail(info?: unknown): void;
      error(error: Error): void;
      redirect(url: string): void;
      pass(): void;
    };
    attempt.success = (user) => resolve({ ok: true, user });
    attempt.fail = (info) => resolve({ ok: false, info });
    attempt.error = (error) => reject(error);
    attempt.pass = () => resolve({ ok: false, info: undefined });
    attempt.redirect = () => reject(new Error('a redirecting strategy cannot run here'));
    (attempt.authenticate as (req: unknown, options: unknown) => void).call(attempt, request, {});
  });
}
