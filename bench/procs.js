'use strict';
// Child processes for benchmarks: every measured party runs in its own process so that its RSS and
// CPU are its own, and talks to the orchestrator in JSON lines on stdout.
const { spawn } = require('node:child_process');
const { readdirSync, readFileSync } = require('node:fs');
const { createInterface } = require('node:readline');
const path = require('node:path');

/** Every child a benchmark started and has not seen exit: killed if the orchestrator goes away. */
const live = new Set();
function killLive() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killLive);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killLive();
    process.exit(130);
  });
}

/** Records `child` so that it is killed with the orchestrator, and forgotten once it exits. */
function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/**
 * Starts `bench/roles/<role>.js` with a JSON argument; resolves once it prints `{ready: ...}`.
 * `options.cwd` / `options.env` set the child's working directory and extra environment.
 */
function startRole(role, args = {}, options = {}) {
  const child = spawn(process.execPath, ['--expose-gc', path.join(__dirname, 'roles', `${role}.js`), JSON.stringify(args)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
  });
  track(child);
  const messages = [];
  const waiters = [];
  let exited = false;
  let exitError;
  createInterface({ input: child.stdout }).on('line', (line) => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      process.stderr.write(`[${role}] ${line}\n`);
      return;
    }
    messages.push(message);
    flush();
  });
  child.on('exit', (code, signal) => {
    exited = true;
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL') exitError = new Error(`bench role ${role} exited with ${code ?? signal}`);
    flush();
  });
  function flush() {
    for (const w of [...waiters]) {
      const index = messages.findIndex(w.match);
      if (index >= 0) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(messages.splice(index, 1)[0]);
      } else if (exited) {
        waiters.splice(waiters.indexOf(w), 1);
        w.reject(exitError ?? new Error(`bench role ${role} exited before answering`));
      }
    }
  }
  /** Waits for the next message that has `key`. */
  function next(key) {
    return new Promise((resolve, reject) => {
      waiters.push({ match: (m) => key in m, resolve, reject });
      flush();
    });
  }
  function send(message) {
    child.stdin.write(`${JSON.stringify(message)}\n`);
  }
  async function stop() {
    if (exited) return;
    const done = new Promise((resolve) => child.once('exit', resolve));
    send({ stop: true });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await done;
    clearTimeout(timer);
  }
  return { child, next, send, stop, ready: next('ready') };
}

/** Resident set size of a process in bytes, from /proc (Linux). */
function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
  return kb * 1024;
}

/** Pids of `pid` and every process below it, from /proc (Linux). */
function processTree(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    const next = queue.shift();
    out.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return out;
}

/** Summed RSS of a process and its descendants in bytes, and how many processes that was. */
function treeRssOf(pid) {
  let bytes = 0;
  const pids = processTree(pid);
  for (const p of pids) {
    try {
      bytes += rssOf(p);
    } catch {
      // exited while we looked
    }
  }
  return { bytes, processes: pids.length };
}

/** CPU time (user + system) a process has used so far, in milliseconds. */
function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

module.exports = { startRole, track, rssOf, treeRssOf, processTree, cpuMsOf };
