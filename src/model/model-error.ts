/** A model or its parameters are malformed; the message names the model and the place. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }

  /**
   * Recognised by name, not by class: a model file loaded through tsx
   * imports its own copy of this module, and its errors must still read as
   * a malformed model (exit 2, whole message), not as a bug in interleave.
   */
  static override [Symbol.hasInstance](x: unknown): boolean {
    return x instanceof Error && x.name === 'ModelError';
  }
}
