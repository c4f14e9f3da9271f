// custom-elements.json for editors and tools (`npm run build` writes it). The analyzer reads the
// element's JSDoc (@fires, @csspart, @cssprop): its events are dispatched from the modules it
// uses (widget/emit.ts), so the @fires list is where they are declared.
export default {
  globs: ['widget/org-signup.ts'],
  outdir: 'widget',
  litelement: true,
};
