/** A model or its parameters are malformed; the message names the model and the place. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}
