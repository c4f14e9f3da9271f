/// <reference types="vite/client" />

/**
 * Set by the build: `true` in the CDN file (dist/widget/org-signup.js), which only a browser
 * loads, so that the checks for a browser fold away and the file stays as it was; `false` in the
 * package (widget/dist/), which server rendering also imports in Node, and in the tests.
 */
declare const __BROWSER_ONLY__: boolean;
