// Where a Node process spent its CPU, from a V8 .cpuprofile (node --cpu-prof): self time per function
// and per source area. Pure: takes the parsed profile, returns sorted shares.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  /** Microseconds on the monotonic clock, the one process.hrtime reads. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A time window in microseconds of the monotonic clock (process.hrtime.bigint() / 1000). */
export interface Window {
  fromUs: number;
  toUs: number;
}

export interface Share {
  name: string;
  /** Share of the busy (non-idle) time, 0..1. */
  share: number;
  ms: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  functions: Share[];
  areas: Share[];
}

/** Shortens a script URL to the part a reader recognises: the repo-relative path or the package. */
export function areaOf(url: string): string {
  if (url.startsWith('node:')) return url;
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1];
  const inRepo = /\/((?:src|bench|test)\/.*)$/.exec(url);
  return inRepo ? inRepo[1] : url;
}

function functionLabel(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '') return name;
  return `${name} ${areaOf(frame.url)}:${frame.lineNumber + 1}`;
}

/** Native frames have no URL; the ones V8 names in parentheses are categories of their own. */
function nativeArea(frame: CallFrame): string {
  return frame.functionName.startsWith('(') ? frame.functionName : `(native) ${frame.functionName}`;
}

/** Self time by function and by area, counting only the samples taken inside `window` when given. */
export function summariseProfile(profile: CpuProfile, window?: Window, top = 15): ProfileSummary {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let idleMs = 0;
  let busyMs = 0;
  let sampledAtUs = profile.startTime;
  profile.samples.forEach((nodeId, index) => {
    const deltaUs = profile.timeDeltas[index] ?? 0;
    sampledAtUs += deltaUs;
    if (window && (sampledAtUs < window.fromUs || sampledAtUs > window.toUs)) return;
    const ms = deltaUs / 1000;
    const frame = frames.get(nodeId);
    if (!frame || frame.functionName === '(idle)') {
      idleMs += ms;
      return;
    }
    busyMs += ms;
    const label = functionLabel(frame);
    byFunction.set(label, (byFunction.get(label) ?? 0) + ms);
    const area = frame.url === '' ? nativeArea(frame) : areaOf(frame.url);
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
  });
  const ranked = (totals: Map<string, number>) =>
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: busyMs > 0 ? ms / busyMs : 0 }));
  return { busyMs, idleMs, functions: ranked(byFunction), areas: ranked(byArea) };
}
