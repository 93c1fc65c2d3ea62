export default async function globalTeardown() {
  const state = globalThis.__SENTINEL_HARNESS__;
  if (!state) return;
  await Promise.all(state.services.map((service) => service.stop()));
  state.dirs.forEach((dir) => dir.remove());
}
