/** Unix seconds, as every `created_at` in the API is. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
