/**
 * V8's explicit compile hint (Chrome 136+; a plain comment elsewhere), the built widget's first
 * line: compile every function while the file streams in, on a background thread, instead of
 * each on the main thread at its first call. vite.config.ts writes it; `npm run size -- --check`
 * fails without it.
 */
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad';
