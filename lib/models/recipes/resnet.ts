/**
 * ResNet as torchvision builds and initializes it (torchvision/models/resnet.py, `ResNet.__init__`):
 * every Conv2d `kaiming_normal_(mode="fan_out", nonlinearity="relu")`; every BatchNorm2d
 * weight 1 and bias 0; the final nn.Linear keeps PyTorch's default (`reset_parameters`:
 * U(+-1/sqrt(fan_in)) for weight and bias); with `zero_init_residual` the last BatchNorm of
 * each residual branch (Bottleneck.bn3, BasicBlock.bn2) gets weight 0 (Goyal et al. 2017).
 *
 * The state dict also holds each BatchNorm's buffers: running_mean (0), running_var (1) and
 * num_batches_tracked (an int64 scalar 0). They are in the plan as buffers (not counted as
 * parameters), so the files load with `load_state_dict(strict=True)`.
 */
import { rangeError, typeError } from '../../errors.js';
import { scaleInit, type InitSpec } from '../init-spec.js';
import { PlanBuilder } from '../plan.js';
import { checkResidualScaling, residualAlpha, residualFactor, type BranchTags, type ResidualModel } from '../residual.js';
import { bool, oneOf } from '../../validate.js';
import { posInt, type Config, type RecipeDef } from './common.js';

const common = { numClasses: 1000, groups: 1, widthPerGroup: 64 };

/** The ResNet recipe. */
export const resnet: RecipeDef = {
  name: 'resnet',
  description: 'torchvision ResNet-18/34/50/101/152 (and ResNeXt, Wide ResNet)',
  configs: {
    resnet18: { block: 'basic', layers: [2, 2, 2, 2], ...common },
    resnet34: { block: 'basic', layers: [3, 4, 6, 3], ...common },
    resnet50: { block: 'bottleneck', layers: [3, 4, 6, 3], ...common },
    resnet101: { block: 'bottleneck', layers: [3, 4, 23, 3], ...common },
    resnet152: { block: 'bottleneck', layers: [3, 8, 36, 3], ...common },
    resnext50_32x4d: { block: 'bottleneck', layers: [3, 4, 6, 3], numClasses: 1000, groups: 32, widthPerGroup: 4 },
    wide_resnet50_2: { block: 'bottleneck', layers: [3, 4, 6, 3], numClasses: 1000, groups: 1, widthPerGroup: 128 },
  },
  defaultConfig: 'resnet50',
  defaults: { block: 'bottleneck', layers: [3, 4, 6, 3], ...common },
  configKeys: ['block', 'layers', 'numClasses', 'groups', 'widthPerGroup'],
  optionKeys: ['zeroInitResidual'],
  mup: false,
  check(fn, what, c) {
    const block = oneOf(fn, `${what}.block`, c.block, ['basic', 'bottleneck'] as const, 'bottleneck');
    if (!Array.isArray(c.layers)) throw typeError(fn, `${what}.layers`, 'an array of 4 positive integers', c.layers);
    if (c.layers.length !== 4) throw rangeError(fn, `${what}.layers`, 'an array of 4 positive integers', c.layers);
    const layers = (c.layers as unknown[]).map((n, i) => posInt(fn, `${what}.layers[${i}]`, n));
    const groups = posInt(fn, `${what}.groups`, c.groups);
    const widthPerGroup = posInt(fn, `${what}.widthPerGroup`, c.widthPerGroup);
    if (block === 'basic' && (groups !== 1 || widthPerGroup !== 64)) {
      throw rangeError(fn, `${what}.groups`, '1 with widthPerGroup 64 for basic blocks (torchvision: "BasicBlock only supports groups=1 and base_width=64")', groups);
    }
    return { block, layers, numClasses: posInt(fn, `${what}.numClasses`, c.numClasses), groups, widthPerGroup };
  },
  build(fn, c, o) {
    const bottleneck = c.block === 'bottleneck';
    const expansion = bottleneck ? 4 : 1;
    const layers = c.layers as number[];
    const groups = c.groups as number, baseWidth = c.widthPerGroup as number;
    const zeroInitResidual = bool(fn, 'options.zeroInitResidual', o.zeroInitResidual, false);
    const blocks = layers.reduce((a, x) => a + x, 0);
    const model: ResidualModel = { branches: blocks, layers: blocks, encoder: false, transformer: false };
    const rs = checkResidualScaling(fn, o.residualScaling, 'none', model);
    const kaiming: InitSpec = { scheme: 'kaimingNormal', mode: 'fanOut', nonlinearity: 'relu' };
    const b = new PlanBuilder();
    const bn = (name: string, ch: number, weight: InitSpec = 'ones'): void => {
      b.add(`${name}.weight`, [ch], 'bn-weight', weight);
      b.add(`${name}.bias`, [ch], 'bn-bias', 'zeros');
      b.add(`${name}.running_mean`, [ch], 'bn-running-mean', 'zeros', { buffer: true });
      b.add(`${name}.running_var`, [ch], 'bn-running-var', 'ones', { buffer: true });
      b.add(`${name}.num_batches_tracked`, [], 'bn-count', 'zeros', { buffer: true, dtype: 'int64' });
    };
    const m = bottleneck ? 3 : 2;
    let branch = 0;
    b.add('conv1.weight', [64, 3, 7, 7], 'conv', kaiming);
    bn('bn1', 64);
    let inplanes = 64;
    layers.forEach((count, li) => {
      const planes = 64 << li;
      for (let j = 0; j < count; j++) {
        const stride = li > 0 && j === 0 ? 2 : 1;
        const at = `layer${li + 1}.${j}.`;
        const pos = { branchesThrough: ++branch, size: m };
        const conv = (name: string, shape: number[], tags: BranchTags): void => {
          const f = residualFactor(rs, model, tags, pos);
          b.add(`${at}${name}.weight`, shape, 'conv', scaleInit(kaiming, f.mul, f.div));
        };
        const lastBn = zeroInitResidual ? 'zeros' : 'ones';
        if (bottleneck) {
          const width = Math.trunc(planes * (baseWidth / 64.0)) * groups;
          conv('conv1', [width, inplanes, 1, 1], { inner: true });
          bn(`${at}bn1`, width);
          conv('conv2', [width, width / groups, 3, 3], { inner: true });
          bn(`${at}bn2`, width);
          conv('conv3', [planes * expansion, width, 1, 1], { depthScaled: true, last: true });
          bn(`${at}bn3`, planes * expansion, lastBn);
        } else {
          conv('conv1', [planes, inplanes, 3, 3], { inner: true });
          bn(`${at}bn1`, planes);
          conv('conv2', [planes, planes, 3, 3], { depthScaled: true, last: true });
          bn(`${at}bn2`, planes, lastBn);
        }
        if (j === 0 && (stride !== 1 || inplanes !== planes * expansion)) {
          b.add(`${at}downsample.0.weight`, [planes * expansion, inplanes, 1, 1], 'conv', kaiming);
          bn(`${at}downsample.1`, planes * expansion);
        }
        inplanes = planes * expansion;
      }
    });
    const cls = residualFactor(rs, model, { classifier: true }, { branchesThrough: blocks, size: 1 });
    const fanIn = 512 * expansion;
    b.add('fc.weight', [c.numClasses as number, fanIn], 'output', scaleInit({ scheme: 'torchDefaultWeight' }, cls.mul, cls.div));
    b.add('fc.bias', [c.numClasses as number], 'bias', scaleInit({ scheme: 'torchDefaultBias', fanIn }, cls.mul, cls.div));
    return { tensors: b.tensors, width: 64, headDim: null, residualScaling: rs, residualMultiplier: residualAlpha(rs, model) };
  },
};
