// patch_embed.h: the conv as a matmul vs the exact fixed-point model and vs float64, cls folded or separate;
// EDGEMOE_TICK counts vs generator/kernels/patch-embed.ts.
import assert from 'node:assert/strict';
import { patchEmbedLoadTrips, patchEmbedTrips } from '../../generator/kernels/patch-embed.ts';
import type { Plan } from '../../generator/plan/index.ts';
import { buildDriver, conv, Job, packRaw, q, rng, runJob, unpackRaw, val, type Driver } from './harness.ts';

interface PeData {
  img: bigint[]; // [C][H][W] pixel raws
  w: bigint[]; // [D][C·p·p]
  b: bigint[];
  pos: bigint[]; // [N][D]
  cls: bigint[] | null;
}

function data(p: Plan, seed: number, withCls: boolean): PeData {
  const { activation: act, patchWeight: pw, bias, pixel } = p.types;
  const s = p.sizes;
  const r = rng(seed);
  return {
    img: Array.from({ length: s.inCh * s.imgH * s.imgW }, () => q(r(0, 1), pixel)),
    w: Array.from({ length: s.dim * s.inCh * s.patch * s.patch }, () => q(r(-0.3, 0.3), pw)),
    b: Array.from({ length: s.dim }, () => q(r(-1, 1), bias)),
    pos: Array.from({ length: s.tokens * s.dim }, () => q(r(-1, 1), act)),
    cls: withCls ? Array.from({ length: s.dim }, () => q(r(-1, 1), act)) : null,
  };
}

async function run(d: Driver, m: PeData): Promise<{ x: bigint[][]; loadTicks: number; ticks: number }> {
  const { activation: act, patchWeight: pw, bias, pixel } = d.plan.types;
  const s = d.plan.sizes;
  const job = new Job().i32(3);
  job.words(packRaw(m.img, pixel.containerBits)).words(packRaw(m.w, pw.containerBits)).words(packRaw(m.b, bias.containerBits));
  job.words(packRaw(m.pos, act.containerBits));
  job.words(m.cls ? packRaw(m.cls, act.containerBits) : new Uint32Array(0));
  const rd = await runJob(d, job);
  const loadTicks = rd.ticks();
  const flat = unpackRaw(rd.words(), s.tokens * s.dim, act.containerBits, act.W);
  return { x: Array.from({ length: s.tokens }, (_, t) => flat.slice(t * s.dim, (t + 1) * s.dim)), loadTicks, ticks: rd.ticks() };
}

/** Exact model and float64 value of token 1+n (patch n), feature dd. */
function expected(p: Plan, m: PeData, n: number, dd: number): { raw: bigint; float: number } {
  const { activation: act, accumulator: acc, patchWeight: pw, bias, pixel } = p.types;
  const s = p.sizes;
  const K = s.inCh * s.patch * s.patch;
  const py = Math.floor(n / s.gridW);
  const px = n % s.gridW;
  let a = conv(m.b[dd]!, bias.frac, acc);
  let f = val(m.b[dd]!, bias);
  let k = 0;
  for (let c = 0; c < s.inCh; c++)
    for (let ky = 0; ky < s.patch; ky++)
      for (let kx = 0; kx < s.patch; kx++, k++) {
        const pix = m.img[(c * s.imgH + py * s.patch + ky) * s.imgW + px * s.patch + kx]!;
        const w = m.w[dd * K + k]!;
        a = BigInt.asIntN(acc.W, a + conv(pix * w, pixel.frac + pw.frac, acc));
        f += val(pix, pixel) * val(w, pw);
      }
  const pos = m.pos[(1 + n) * s.dim + dd]!;
  const raw = conv((conv(a, acc.frac, act) + pos) as bigint, act.frac, act);
  return { raw, float: f + val(pos, act) };
}

function check(d: Driver, m: PeData, r: { x: bigint[][]; loadTicks: number; ticks: number }): void {
  const p = d.plan;
  const act = p.types.activation;
  const s = p.sizes;
  const K = s.inCh * s.patch * s.patch;
  // Each pixel·weight product (8 + 16 fraction bits) is truncated to 2^-22, plus the act_t conversion.
  const tol = (K + 1) * 2 ** -act.frac;
  for (let n = 0; n < s.gridH * s.gridW; n++)
    for (let dd = 0; dd < s.dim; dd++) {
      const e = expected(p, m, n, dd);
      assert.equal(r.x[1 + n]![dd], e.raw, `token ${1 + n} feature ${dd}`);
      assert.ok(Math.abs(val(r.x[1 + n]![dd]!, act) - e.float) <= tol, `token ${1 + n} feature ${dd} vs float`);
    }
  const cls = Array.from({ length: s.dim }, (_, dd) => (m.cls ? BigInt.asIntN(act.W, m.pos[dd]! + m.cls[dd]!) : m.pos[dd]!));
  assert.deepEqual(r.x[0], cls);
  const sz = {
    dim: s.dim,
    inCh: s.inCh,
    patch: s.patch,
    gridH: s.gridH,
    gridW: s.gridW,
    actLanes: s.actLanes,
    pePatches: s.pePatches,
    peDims: s.peDims,
    wLanes: p.types.patchWeight.lanes,
    bLanes: p.types.bias.lanes,
  };
  assert.equal(r.loadTicks, patchEmbedLoadTrips(sz));
  assert.equal(r.loadTicks, p.reloadTrips);
  assert.equal(r.ticks, patchEmbedTrips(sz));
  assert.equal(r.ticks, p.ops[0]!.trips);
}

describe('kernel: patch_embed.h (tiny preset: 3×32×64 image, 16×16 patches, D 32)', function () {
  this.timeout(180_000);

  it('cls folded: token 0 is pos_embed row 0; patches equal the exact model and float64 within (C·p·p+1) LSB', async () => {
    const d = await buildDriver('tiny');
    const m = data(d.plan, 21, false);
    check(d, m, await run(d, m));
  });

  it('cls as a token: token 0 is cls_token + pos_embed row 0', async () => {
    const d = await buildDriver('tiny', ['model.cls=token']);
    const m = data(d.plan, 22, true);
    check(d, m, await run(d, m));
  });

  it('an odd patch grid width runs one patch per cycle', async () => {
    const d = await buildDriver('tiny', ['model.image=[3,32,48]']);
    assert.equal(d.plan.sizes.pePatches, 1);
    const m = data(d.plan, 23, false);
    check(d, m, await run(d, m));
  });
});
