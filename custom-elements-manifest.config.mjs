// custom-elements.json for editors and tools (`npm run build` writes it). The analyzer reads the
// element's JSDoc (@fires, @csspart, @cssprop); the plugin drops the "event" it wrongly infers
// from the element's generic `_emit(type, …)` helper, whose real events are the @fires list.
export default {
  globs: ['widget/org-signup.ts'],
  outdir: '.',
  litelement: true,
  plugins: [
    {
      name: 'drop-inferred-dynamic-events',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules) {
          for (const decl of mod.declarations ?? []) {
            if (decl.events)
              decl.events = decl.events.filter((e) => e.name.startsWith('org-signup-'));
          }
        }
      },
    },
  ],
};
