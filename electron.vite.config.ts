import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/** The web host's bridge script is built with the renderer, under a fixed name the host can serve. */
const WEB_BRIDGE_ENTRY = 'web-bridge';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          main: resolve(__dirname, 'electron/main.ts'),
          webhost: resolve(__dirname, 'electron/webhost/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require nothing but electron: bundle every dependency.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // Minified: the renderer's initial JS is a measured figure (bench/: renderer initial JS).
      minify: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'renderer/index.html'),
          [WEB_BRIDGE_ENTRY]: resolve(__dirname, 'preload/web.ts'),
        },
        output: {
          entryFileNames: (chunk) => (chunk.name === WEB_BRIDGE_ENTRY ? `${WEB_BRIDGE_ENTRY}.js` : 'assets/[name]-[hash].js'),
        },
      },
    },
  },
});
