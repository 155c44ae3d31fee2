/** When a package accepted at `acceptedAt` (ISO-8601) must have left this axis. */
export function lifetimeEnd(acceptedAt: string, lifetimeSeconds: number): Date {
  return new Date(new Date(acceptedAt).getTime() + lifetimeSeconds * 1000);
}

/** True once the lifetime has run out; an unreadable acceptedAt counts as not expired (never drop by accident). */
export function isPastLifetime(acceptedAt: string, lifetimeSeconds: number, now: Date): boolean {
  const end = lifetimeEnd(acceptedAt, lifetimeSeconds).getTime();
  return Number.isFinite(end) && now.getTime() >= end;
}
