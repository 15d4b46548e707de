import type { DecisionPayload, SignedDecision } from '../shared/approvalTypes.js';
import { utf8ToBytes } from './bytes.js';
import { payloadText } from './payload.js';
import type { SshPrivateKey } from './privateKey.js';
import { APPROVAL_NAMESPACE, signSsh } from './sshsig.js';

/** Signs a decision as `ssh-keygen -Y sign -n finetune-approval` would. */
export function signPayload(payload: DecisionPayload, key: SshPrivateKey): SignedDecision {
  const text = payloadText(payload);
  return { payload: text, signature: signSsh(key.seed, utf8ToBytes(text), APPROVAL_NAMESPACE) };
}
