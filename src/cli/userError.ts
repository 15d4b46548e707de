/** An error whose message tells the user what to fix; printed without a stack trace. */
export class UserError extends Error {
  override name = 'UserError';
}
