"""Running commands: every call has an argv (no shell), a timeout and an error that names it."""
import os
import signal
import subprocess
import time


class LabError(Exception):
    pass


def run(argv, check=True, input=None, timeout=30, capture=True):
    try:
        p = subprocess.run(argv, input=input, text=True, timeout=timeout,
                           stdout=subprocess.PIPE if capture else None,
                           stderr=subprocess.PIPE if capture else None)
    except FileNotFoundError:
        raise LabError(f"'{argv[0]}' is not installed (run scripts/deps test)")
    except subprocess.TimeoutExpired:
        raise LabError(f"'{' '.join(argv)}' did not finish within {timeout} s")
    if check and p.returncode != 0:
        err = (p.stderr or "").strip()
        raise LabError(f"'{' '.join(argv)}' exited with {p.returncode}: {err or '(no message)'}")
    return p


def ns(netns, *argv):
    """argv run inside a named network namespace."""
    return ["ip", "netns", "exec", netns] + list(argv)


def in_view(pid, *argv):
    """argv run inside a node view (net + mount + uts namespaces of its anchor process)."""
    return ["nsenter", "-t", str(pid), "-n", "-m", "-u", "--"] + list(argv)


def spawn(argv, log_path, env=None):
    """Starts a long-running process detached from us (own session), output to log_path."""
    with open(log_path, "ab") as log:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                             start_new_session=True, env=env)
    return p.pid


def pid_alive(pid):
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError, TypeError):
        return False
    except PermissionError:
        return True
    # a zombie child of ours is not alive
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def wait_for(predicate, timeout, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = predicate()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise LabError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def kill_pids(pids, grace=3.0):
    """SIGTERM, then SIGKILL whatever is left after grace seconds."""
    pids = [int(p) for p in pids if p]
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(pid_alive(p) for p in pids):
        time.sleep(0.05)
    for p in pids:
        if pid_alive(p):
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass


def write_atomic(path, text):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
