// Signed approvals: pure code (no Node built-ins), so workflows verify with it too.
export { canonicalJson, digestOf } from './bytes.js';
export {
  buildPayload,
  parsePayload,
  payloadText,
  PAYLOAD_FORMAT,
  type PayloadFields,
} from './payload.js';
export {
  describeRule,
  loadedPolicy,
  policyDigest,
  quorumOf,
  ruleFor,
  signerOf,
  summarizePolicy,
} from './policy.js';
export {
  EncryptedKeyError,
  formatPrivateKey,
  parsePrivateKey,
  type SshPrivateKey,
} from './privateKey.js';
export { signPayload } from './sign.js';
export { fingerprintOf, parsePublicKeyLine, publicKeyLine, type SshPublicKey } from './sshKeys.js';
export {
  APPROVAL_NAMESPACE,
  parseSshSignature,
  signSsh,
  verifySshSignature,
  type SshSignature,
} from './sshsig.js';
export { checkSignedDecision, CLOCK_SKEW_MS, type Checked, type DeskFacts } from './verify.js';
export {
  verifyLineage,
  type LineageVerification,
  type VerifiedDecision,
  type VerifiedEntry,
} from './verifyLineage.js';
