// Svelte compiler options: the defaults (runes are detected per component); TypeScript in
// components is handled by Vite's esbuild through @sveltejs/vite-plugin-svelte.
export default {};
