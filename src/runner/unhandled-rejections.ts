// An unhandled promise rejection in a user's script kills Newman's process before any report is
// written. While a job runs, they are caught and counted as failures instead.

export interface RejectionTrap {
  readonly messages: string[];
  release(): void;
}

export function trapUnhandledRejections(redact: (text: string) => string): RejectionTrap {
  const messages: string[] = [];
  const handler = (reason: unknown): void => {
    // A rejection from the sandbox comes from another realm: not instanceof Error, but shaped like one.
    const message = (reason as { message?: unknown } | null)?.message;
    messages.push(redact(typeof message === 'string' ? message : String(reason)));
  };
  process.on('unhandledRejection', handler);
  return { messages, release: () => void process.off('unhandledRejection', handler) };
}
