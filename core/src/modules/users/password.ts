import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hash, verify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';

/**
 * argon2id with OWASP's first recommended parameter set (19 MiB memory, 2 iterations, 1 lane):
 * strong against GPU cracking while a login stays around tens of milliseconds on one core.
 * `algorithm: 2` is Algorithm.Argon2id; the package declares it as a const enum, which type stripping cannot read.
 */
export const ARGON2_PARAMETERS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2_PARAMETERS.memoryCost},t=${ARGON2_PARAMETERS.timeCost},p=${ARGON2_PARAMETERS.parallelism}$`;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMETERS);
}

/** Verifies argon2 hashes and bcrypt hashes imported from another platform (`$2a$`, `$2b$`, `$2y$`). */
export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  if (/^\$2[aby]\$/.test(hashed)) return bcrypt.compare(password, hashed);
  try {
    return await verify(hashed, password);
  } catch {
    return false;
  }
}

/** Whether a stored hash should be replaced on the next successful login (imported bcrypt, older argon2 parameters). */
export function needsRehash(hashed: string): boolean {
  return !hashed.startsWith(CURRENT_PREFIX);
}

// verified against when the account does not exist, so an unknown email costs the same time as a wrong password
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummyHash, password);
}

let commonPasswords: Set<string> | undefined;
function isCommon(password: string): boolean {
  commonPasswords ??= new Set(
    readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.toLowerCase()),
  );
  return commonPasswords.has(password.toLowerCase());
}

export interface PasswordProblem {
  rule: 'minLength' | 'maxLength' | 'commonPassword' | 'containsEmail';
  message: string;
}

/** The rules a password breaks, empty when it is acceptable. One place for the password policy. */
export function passwordProblems(password: string, email?: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) problems.push({ rule: 'minLength', message: `must be at least ${MIN_PASSWORD_LENGTH} characters long` });
  if (password.length > MAX_PASSWORD_LENGTH) problems.push({ rule: 'maxLength', message: `must be at most ${MAX_PASSWORD_LENGTH} characters long` });
  else if (password.length >= MIN_PASSWORD_LENGTH && isCommon(password)) problems.push({ rule: 'commonPassword', message: 'is one of the most common passwords' });
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 3 && password.toLowerCase().includes(local)) problems.push({ rule: 'containsEmail', message: 'must not contain the email address' });
  return problems;
}

/** A random password for accounts created by an operator: 20 characters from an unambiguous alphabet. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
