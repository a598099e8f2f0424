/**
 * Tensor roles: what a tensor does in a model. Roles drive the default shard split axis
 * (tensor parallelism, Megatron style) and name what the residual-scaling and muP options
 * act on. The set is closed so a plan read from JSON can be checked.
 */

/** What a tensor does in its model. See {@link ROLES} for the meaning of each. */
export type Role =
  | 'embedding' | 'position-embedding' | 'token-type-embedding'
  | 'attention-qkv' | 'attention-q' | 'attention-k' | 'attention-v' | 'attention-out'
  | 'mlp-in' | 'mlp-out' | 'dense' | 'pooler' | 'output'
  | 'norm-weight' | 'norm-bias' | 'bias'
  | 'conv' | 'bn-weight' | 'bn-bias' | 'bn-running-mean' | 'bn-running-var' | 'bn-count'
  | 'input-kernel' | 'recurrent-kernel' | 'recurrent-bias' | 'projection'
  | 'other';

/**
 * Where a role's tensors are split across ranks by default: `'out'` (output features:
 * axis 0 of a torch `[out, in]` weight, the last axis of a Keras/Conv1D `[in, out]` one),
 * `'in'` (input features: the other one), `'rows'` (axis 0 whatever the layout), or null
 * (replicated: every rank holds the whole tensor).
 */
export type SplitRule = 'out' | 'in' | 'rows' | null;

/** One documented role. */
export interface RoleInfo {
  readonly role: Role;
  readonly description: string;
  readonly split: SplitRule;
}

/** Every role, with its meaning and default split. */
export const ROLES: readonly RoleInfo[] = Object.freeze([
  { role: 'embedding', description: 'token embedding table [vocab, dim]', split: 'rows' },
  { role: 'position-embedding', description: 'learned position embedding table [positions, dim]', split: 'rows' },
  { role: 'token-type-embedding', description: 'segment (token type) embedding table', split: 'rows' },
  { role: 'attention-qkv', description: 'fused query/key/value projection (column parallel)', split: 'out' },
  { role: 'attention-q', description: 'query projection (column parallel)', split: 'out' },
  { role: 'attention-k', description: 'key projection (column parallel)', split: 'out' },
  { role: 'attention-v', description: 'value projection (column parallel)', split: 'out' },
  { role: 'attention-out', description: 'attention output projection, last layer of the attention branch (row parallel)', split: 'in' },
  { role: 'mlp-in', description: 'MLP input projection (fc, gate, up; column parallel)', split: 'out' },
  { role: 'mlp-out', description: 'MLP output projection, last layer of the MLP branch (row parallel)', split: 'in' },
  { role: 'dense', description: 'a hidden dense layer outside attention/MLP blocks (column parallel)', split: 'out' },
  { role: 'pooler', description: 'pooler dense layer (BERT)', split: 'out' },
  { role: 'output', description: 'readout / classifier / LM head weight', split: 'out' },
  { role: 'norm-weight', description: 'LayerNorm / RMSNorm scale', split: null },
  { role: 'norm-bias', description: 'LayerNorm shift', split: null },
  { role: 'bias', description: 'bias of a linear or conv layer', split: null },
  { role: 'conv', description: 'convolution kernel [out, in/groups, ...k]', split: 'out' },
  { role: 'bn-weight', description: 'BatchNorm scale', split: null },
  { role: 'bn-bias', description: 'BatchNorm shift', split: null },
  { role: 'bn-running-mean', description: 'BatchNorm running mean (buffer)', split: null },
  { role: 'bn-running-var', description: 'BatchNorm running variance (buffer)', split: null },
  { role: 'bn-count', description: 'BatchNorm num_batches_tracked (int64 buffer)', split: null },
  { role: 'input-kernel', description: 'recurrent layer input weights (LSTM W_ih / Keras kernel)', split: 'out' },
  { role: 'recurrent-kernel', description: 'recurrent layer hidden-to-hidden weights (W_hh / recurrent_kernel)', split: 'out' },
  { role: 'recurrent-bias', description: 'recurrent layer bias', split: null },
  { role: 'projection', description: 'LSTM hidden-state projection (proj_size)', split: 'out' },
  { role: 'other', description: 'anything else (planFromShapes)', split: null },
].map((r) => Object.freeze(r as RoleInfo)));

/** The role names, in documentation order. */
export const ROLE_NAMES: readonly Role[] = Object.freeze(ROLES.map((r) => r.role));

const SPLIT = new Map<string, SplitRule>(ROLES.map((r) => [r.role, r.split]));

/** The default split rule of a role. */
export function splitRuleOf(role: Role): SplitRule {
  return SPLIT.get(role) ?? null;
}

/** True for a known role name. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && SPLIT.has(value);
}
