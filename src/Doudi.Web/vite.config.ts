import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The server's build runs `vite build --outDir <server output>/console`; `npm run dev` proxies the API to a running server.
export default defineConfig({
  plugins: [vue()],
  build: { chunkSizeWarningLimit: 2000, sourcemap: false },
  server: { proxy: { '/api': 'http://127.0.0.1:5080', '/openapi': 'http://127.0.0.1:5080' } },
  test: { environment: 'happy-dom', include: ['src/**/*.test.ts'] },
} as any)
