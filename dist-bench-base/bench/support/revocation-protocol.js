export const BEAT_MS = 100;
