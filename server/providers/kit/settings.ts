/**
 * Setting schemas more than one adapter uses, each with the message its adapter has always
 * given (a config error names the key and says what it wants, in the adapter's words).
 */
import { z } from 'zod';

/** Whether `source` compiles as a JavaScript regular expression (as adapters use it: `i`). */
export function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}

/** A setting holding a regular expression, matched case-insensitively. */
export const regExpSetting = (message: string) => z.string().refine(isRegExp, { message });

/**
 * A path resolved against the flow's `baseUrl`: never absolute (a leading `/` would drop the
 * base URL's own path; a scheme would send the call, credentials and all, to another host).
 */
export const isRelativePath = (path: string): boolean =>
  !path.startsWith('/') && !/^[a-z][a-z0-9+.-]*:/i.test(path);

/** A setting holding a path relative to the flow's `baseUrl`. */
export const relativePathSetting = (message: string) =>
  z.string().refine(isRelativePath, { message });
