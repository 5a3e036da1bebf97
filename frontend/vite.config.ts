/// <reference types="vitest/config" />
// The console's build (vite build → dist/, served by the local server and deployed by the CDK
// app) and its component tests (vitest, jsdom).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  // `npm run dev` against `imgfactory dev` on its default port.
  server: { proxy: { "/api": "http://127.0.0.1:8000" } },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    css: false,
    // The machine is shared: give a slow moment room without hiding a hang.
    testTimeout: 30000,
  },
});
