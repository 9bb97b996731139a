/** Trims and lower-cases an address; the database compares lower(email) as well. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Deliberately simple: one @, no spaces, a dot in the domain. Real validation is the verification email.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@.]{2,}$/;

export function isValidEmail(email: string): boolean {
  return email.length <= 320 && EMAIL.test(email);
}
