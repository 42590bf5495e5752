import preact from '@preact/preset-vite'
import { defineConfig } from 'vite'

/** The dashboard builds to web/dist, which `lathe server` serves at `/`. */
export default defineConfig({
  plugins: [preact()],
  build: { target: 'es2022', chunkSizeWarningLimit: 200 },
  // `npx vite web` for development, against a `lathe server` on the default port.
  server: {
    proxy: Object.fromEntries(
      ['/api', '/ajax-api', '/health', '/version'].map((p) => [p, 'http://127.0.0.1:5000']),
    ),
  },
})
