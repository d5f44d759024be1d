// An unhandled promise rejection in a user's script kills Newman's process before any report is
// written. While a job runs, they are caught and counted as failures instead.

export interface RejectionTrap {
  readonly messages: string[];
  release(): void;
}

export function trapUnhandledRejections(redact: (text: string) => string): RejectionTrap {
  const messages: string[] = [];
  const handler = (reason: unknown): void => {
    messages.push(redact(reason instanceof Error ? reason.message : String(reason)));
  };
  process.on('unhandledRejection', handler);
  return { messages, release: () => void process.off('unhandledRejection', handler) };
}
