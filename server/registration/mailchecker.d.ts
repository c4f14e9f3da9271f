/** mailchecker ships no types: the one function used here (registration/email-quality.ts). */
declare module 'mailchecker' {
  /** False for a malformed address or one at a disposable e-mail domain. */
  export function isValid(email: string): boolean;
}
