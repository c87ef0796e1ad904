// The sweep's Slurm job array against a real single-node Slurm (Debian slurm-wlm + munge): the test writes a
// slurm.conf for this host in a scratch dir, starts munged, slurmctld and slurmd, submits sweep.sbatch, waits, gathers,
// and stops what it started. Where they cannot start the test is skipped with the reason — except under CI=true,
// where .ci/run installs them and the test must run.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { gatherSweep, formatGathered } from '../../generator/explore/gather.ts';
import { findOnPath } from '../../generator/build/tools.ts';
import { scratch } from '../helpers/paths.ts';
import { emitFourPointSweep, installStandIn } from './sweep-fixture.ts';

const DAEMONS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo'];
const SYSTEM_PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;

/** A TCP port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A single-node Slurm in `dir`: start() brings it up (or throws why not), stop() ends every daemon it started. */
class LocalSlurm {
  readonly env: Record<string, string>;
  private readonly pidFiles: string[];
  constructor(readonly dir: string) {
    this.env = { SLURM_CONF: join(dir, 'slurm.conf') };
    this.pidFiles = [join(dir, 'slurmd.pid'), join(dir, 'slurmctld.pid'), join(dir, 'munge', 'munged.pid')];
  }

  async start(): Promise<void> {
    const d = this.dir;
    for (const sub of ['munge', 'state', 'spool', 'log']) mkdirSync(join(d, sub), { recursive: true, mode: 0o700 });
    const key = join(d, 'munge', 'munge.key');
    writeFileSync(key, Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 131 + 7) & 0xff)));
    chmodSync(key, 0o400);
    const sock = join(d, 'munge', 'munge.sock');
    await execa('munged', ['--force', `--key-file=${key}`, `--socket=${sock}`, `--pid-file=${join(d, 'munge', 'munged.pid')}`, `--log-file=${join(d, 'munge', 'munged.log')}`, `--seed-file=${join(d, 'munge', 'seed')}`], { env: { PATH: SYSTEM_PATH } });
    const [ctld, slurmd] = [await freePort(), await freePort()];
    const host = hostname().split('.')[0]!;
    writeFileSync(
      this.env.SLURM_CONF!,
      [
        'ClusterName=edgemoetest',
        `SlurmctldHost=${host}(127.0.0.1)`,
        'SlurmUser=root',
        'SlurmdUser=root',
        `SlurmctldPort=${ctld}`,
        `SlurmdPort=${slurmd}`,
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${sock}`,
        `StateSaveLocation=${join(d, 'state')}`,
        `SlurmdSpoolDir=${join(d, 'spool')}`,
        `SlurmctldPidFile=${join(d, 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(d, 'slurmd.pid')}`,
        `SlurmctldLogFile=${join(d, 'log', 'slurmctld.log')}`,
        `SlurmdLogFile=${join(d, 'log', 'slurmd.log')}`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'JobCompType=jobcomp/none',
        'MpiDefault=none',
        'SchedulerType=sched/builtin',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'ReturnToService=2',
        'InactiveLimit=0',
        `NodeName=${host} NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 State=UNKNOWN`,
        'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
        '',
      ].join('\n'),
    );
    const env = { PATH: SYSTEM_PATH, ...this.env };
    await execa('slurmctld', ['-f', this.env.SLURM_CONF!], { env });
    await execa('slurmd', ['-f', this.env.SLURM_CONF!], { env });
    for (let i = 0; i < 60; i++) {
      const r = await execa('sinfo', ['-h', '-o', '%t'], { env, reject: false });
      if (String(r.stdout).trim() === 'idle') return;
      await sleep(500);
    }
    const tail = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').slice(-5).join(' | ') : '(no log)');
    throw new Error(`the node did not become idle in 30 s; slurmctld: ${tail(join(d, 'log', 'slurmctld.log'))}; slurmd: ${tail(join(d, 'log', 'slurmd.log'))}`);
  }

  /** Ends the daemons this test started, by the pids they wrote, and waits until they are gone. */
  async stop(): Promise<void> {
    for (const f of this.pidFiles) {
      if (!existsSync(f)) continue;
      const pid = Number(readFileSync(f, 'utf8').trim());
      if (!(pid > 1)) continue;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        continue;
      }
      for (let i = 0; i < 50; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await sleep(100);
      }
    }
  }
}

describe('explore/jobs: the sweep as a Slurm job array on a single-node Slurm', function () {
  this.timeout(120_000);
  const root = scratch('edgemoe-slurm-');
  const slurm = new LocalSlurm(join(root, 'slurm'));
  let started = false;

  before(async function () {
    const missing = DAEMONS.filter((t) => !findOnPath(t, SYSTEM_PATH));
    let why = missing.length ? `not installed: ${missing.join(', ')} (apt-get install slurm-wlm munge)` : process.getuid?.() !== 0 ? 'slurmd must run as root to launch jobs' : '';
    if (!why) {
      try {
        await slurm.start();
        started = true;
      } catch (e) {
        why = `single-node Slurm did not start: ${(e as Error).message.split('\n')[0]}`;
      }
    }
    if (why) {
      if (process.env.CI === 'true') throw new Error(`CI=true but ${why}`);
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  after(async () => {
    if (started || existsSync(slurm.dir)) await slurm.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('sbatch sweep.sbatch runs one array task per point; the failed point is reported by gather', async () => {
    const dir = join(root, 'sweep');
    const tools = installStandIn(join(root, 'tools'));
    const m = emitFourPointSweep(dir);
    const failing = m.points[1]!.id;
    const env = { ...slurm.env, PATH: `${tools.path}:/usr/sbin:/sbin`, EDGEMOE_FAKE_FAIL: failing };
    const sub = await execa('sbatch', ['--parsable', join(dir, 'sweep.sbatch')], { env, cwd: root });
    const job = String(sub.stdout).trim().split(';')[0]!;
    assert.match(job, /^\d+$/);
    for (let i = 0; ; i++) {
      const q = await execa('squeue', ['-h', '-j', job], { env, reject: false });
      if (q.exitCode === 0 && String(q.stdout).trim() === '') break;
      assert.ok(i < 200, `job ${job} still queued after 100 s: ${q.stdout}${q.stderr}`);
      await sleep(500);
    }
    const outs = readdirSync(join(dir, 'logs')).filter((f) => f.startsWith(`slurm-${job}_`));
    assert.equal(outs.length, 4, `one Slurm output per array task: ${outs.join(', ')}`);
    const g = gatherSweep(dir);
    assert.deepEqual(
      g.points.map((p) => [p.id, p.status]),
      m.points.map((p) => [p.id, p.id === failing ? 'failed' : 'synthesised']),
    );
    assert.equal(g.points[1]!.exitCode, 1);
    assert.equal(tools.calls().length, 3, 'vitis_hls ran once in each other point');
    assert.match(formatGathered(g), new RegExp(`^${failing}\\s+FAILED \\(exit 1\\)`, 'm'));
  });
});
