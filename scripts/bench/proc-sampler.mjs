// CPU and RSS of the hub's processes from /proc (Linux): each service, nats-server, and Postgres with all its
// backends summed. Sampled every `everyMs`; `window()` gives CPU % (100 = one core) and peak RSS per process
// group between two marks.
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { readFileSync, readdirSync } from 'node:fs';

const CLK_TCK = 100; // USER_HZ on Linux
const PAGE = 4096;

/** Proportional set size: shared pages (Postgres's shared buffers) divided among the processes sharing them. */
function pssOf(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function statOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after the name: state(0) ppid(1) … utime(11) stime(12) … rss(21) in pages
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), rss: Number(f[21]) * PAGE };
  } catch {
    return undefined;
  }
}

function treeOf(root) {
  const all = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const st = statOf(Number(d));
    if (st) all.set(Number(d), st);
  }
  const pids = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, st] of all) {
      if (!pids.has(pid) && pids.has(st.ppid)) {
        pids.add(pid);
        grew = true;
      }
    }
  }
  return [...pids].filter((p) => all.has(p)).map((p) => ({ pid: p, ...all.get(p) }));
}

/** Busy ticks of the whole machine (every process and the kernel: user, nice, system, irq, softirq, steal). */
function machineBusyTicks() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
  } catch {
    return 0;
  }
}

/** Name of the pseudo-group holding the whole machine's CPU (no RSS). */
export const WHOLE_MACHINE = 'whole machine';

export class ProcSampler {
  /** `groups()` returns { name: { pid, tree } } (tree: sum the process and its descendants). */
  constructor(groups, everyMs = 500) {
    this.groups = groups;
    this.samples = [];
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    this.sample();
  }

  sample() {
    const at = performance.now();
    const by = {};
    for (const [name, g] of Object.entries(this.groups())) {
      if (!g.pid) continue;
      const one = statOf(g.pid);
      const sts = g.tree ? treeOf(g.pid) : one ? [{ pid: g.pid, ...one }] : [];
      by[name] = {
        ticks: Object.fromEntries(sts.map((x) => [x.pid, x.ticks])),
        // A tree (Postgres and its backends) by PSS, else each backend would count the shared buffers again.
        rss: g.tree ? sts.reduce((a, x) => a + pssOf(x.pid), 0) : sts.reduce((a, x) => a + x.rss, 0),
      };
    }
    this.samples.push({ at, by, machine: machineBusyTicks() });
    return this.samples.length - 1;
  }

  /** CPU % and peak RSS (MiB) per group between sample indexes `from` and `to`. */
  window(from, to) {
    const a = this.samples[from];
    const b = this.samples[to];
    const secs = (b.at - a.at) / 1000;
    const out = {};
    for (const name of Object.keys(b.by)) {
      // Per process: one that exited in between drops out, one that started counts from zero.
      const before = a.by[name]?.ticks ?? {};
      const ticks = Object.entries(b.by[name].ticks).reduce(
        (sum, [pid, t]) => sum + t - (before[pid] ?? 0),
        0,
      );
      let peak = 0;
      for (let i = from; i <= to; i++) peak = Math.max(peak, this.samples[i].by[name]?.rss ?? 0);
      out[name] = {
        cpu: secs > 0 ? (ticks / CLK_TCK / secs) * 100 : 0,
        rssMiB: peak / 2 ** 20,
        rssStartMiB: (a.by[name]?.rss ?? 0) / 2 ** 20,
      };
    }
    out[WHOLE_MACHINE] = {
      cpu: secs > 0 ? ((b.machine - a.machine) / CLK_TCK / secs) * 100 : 0,
      rssMiB: NaN,
    };
    return out;
  }

  stop() {
    clearInterval(this.timer);
  }
}
