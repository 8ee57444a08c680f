/** An error's message for a person to read; anything thrown that is not an Error is shown as it prints. */
export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
