import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'

/** The dashboard builds to web/dist, which `lathe server` serves at `/`. */
export default defineConfig(({ command }) => ({
  // The preset misreads Vite 8's production flag and would ship preact/debug (slow, and twice
  // the size): enable the devtools only for the dev server.
  plugins: [preact({ devToolsEnabled: command === 'serve' })],
  build: { target: 'es2022', chunkSizeWarningLimit: 200 },
  // `npx vite web` for development, against a `lathe server` on the default port.
  server: {
    proxy: Object.fromEntries(
      ['/api', '/ajax-api', '/health', '/version'].map((p) => [p, 'http://127.0.0.1:5000']),
    ),
  },
}))
