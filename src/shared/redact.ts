// Secrets must never reach a failure message, a log line or workflow history. Provider error
// messages can echo part of a key ("Incorrect API key provided: sk-abc***xyz"), so scrub them.
const SECRET_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_*-]{6,}/g,
  /\bwhsec_[A-Za-z0-9+/=]{6,}/g,
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b[0-9a-f]{40}\b/g, // W&B API keys are 40 hex characters
];

export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((s, re) => s.replace(re, '[redacted]'), text);
}
