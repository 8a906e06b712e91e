import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

// The server serves web/dist at `/` and its files under /assets (src/http/web-ui.ts).
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // The server's CSP is script-src 'self': no inline scripts or data: modules.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev:web`: the UI on :5173 with /v1 proxied to a local `hourglass serve`.
    proxy: { '/v1': process.env.HOURGLASS_URL ?? 'http://127.0.0.1:7300' },
  },
})
