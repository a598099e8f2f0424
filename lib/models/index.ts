/**
 * The models layer: named recipes and custom rules that map a model's tensors to
 * initializers; materialize them (whole or one rank's part); the model file formats; and
 * the audit of tensors against a plan. Host-free: the package root exports this in Node and
 * browsers alike; `audit` is exported by each entry (Node's also reads files), and the file
 * writers and readers by the Node entry (lib/model-files.ts).
 *
 * @packageDocumentation
 */
export { recipe, recipeConfigs, RECIPE_NAMES } from './recipe.js';
export { recommend } from './recommend.js';
export type { RecommendOptions, Recommendation } from './recommend.js';
export type { RecipeName, RecipeOptions } from './recipe.js';
export type { ModelPlan, TensorSpec, PlanHyper, PlanTotals } from './plan.js';
export type { InitSpec, Scheme, FanLayout, TensorDType } from './init-spec.js';
export { SCHEME_NAMES } from './init-spec.js';
export { ROLES, ROLE_NAMES } from './roles.js';
export type { Role, RoleInfo, SplitRule } from './roles.js';
export type { ResidualScaling } from './residual.js';
export { materialize, materializeAsync } from './materialize.js';
export type { MaterializeOptions, Tensors } from './materialize.js';
export type { OutputSelection, SplitAxis } from './layout.js';
export type { TensorArray } from './fill.js';
export type { WriteOptions, WriteResult, SafetensorsFile, SafetensorsTensor } from './safetensors.js';
export type { AuditOptions, AuditReport, AuditTensor, AuditRegion, AuditTensors, Observed } from './audit.js';
export { planFromShapes, recipeRules } from './rules.js';
export type { Rule, Shapes, PlanFromShapesOptions } from './rules.js';
