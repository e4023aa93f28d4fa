"""The student's side of the machine: an account of its own, and the kernel launcher that drops to it.

As a program (`python sandbox.py CONNECTION_FILE`, the kernel command of worker.py), it starts as the grader and
execs the IPython kernel as the student: where mount namespaces are available, in a root filesystem of its own
that holds the system's folders, the interpreter and the kernel's home only (no course checkout, no other
grading), with small private /tmp, /var/tmp and /dev/shm; without network (a network namespace, or a user and
network namespace of its own where the grader cannot make one); with no privileges left, limited in memory,
processes and file size, its standard streams on /dev/null and only the channel to the grader (as fd 3) open.
Its settings come as JSON in $LABKIT_SANDBOX: {"uid", "gid", "home", "channel", "memory_mb"}; uid is null when
isolation is reduced. What the kernel really got is read back by the grader (`observe`).
"""
import ctypes
import fcntl
import json
import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACCOUNT = "labkit-student-{}"
# Machine-wide, whatever $TMPDIR says: two gradings on one machine must never take the same account.
LOCK_FOLDERS = ("/run/lock", "/var/lock", "/dev/shm", "/tmp")
SHARED_TEMPORARY = ("/tmp", "/var/tmp", "/dev/shm")
MAX_PROCESSES = 256
MAX_FILE_MB = 1024
PRIVATE_TEMPORARY_MB = 256  # each of the kernel's own /tmp, /var/tmp and /dev/shm, where it has a root of its own
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT = 1, 2, 4, 32
MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = 4096, 8192, 16384, 1 << 18
PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 4, 38
CAPABILITIES = {"CAP_CHOWN": 0, "CAP_SETGID": 6, "CAP_SETUID": 7, "CAP_SYS_CHROOT": 18, "CAP_SYS_ADMIN": 21}
# What the kernel's root filesystem holds besides the interpreter and its home (read-only, when it has its own).
SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt", "/sys")
KEPT_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "TZ")
# Grader and kernel alike. LABKIT_GRADING: labs shorten students' training runs. One BLAS/OpenMP thread: the labs'
# models are tiny, Gradescope gives half a CPU, and spinning BLAS threads only slow a busy machine down. Two malloc
# arenas: the grader and the kernel share Gradescope's 768 MB, and memory held per thread is memory neither can use.
# A fixed mmap threshold: freed tensors go back to the system at once (glibc otherwise raises the threshold after
# the first large free, and keeps later ones in its heap).
GRADING_ENVIRONMENT = {"LABKIT_GRADING": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                       "MKL_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "262144",
                       "MALLOC_TRIM_THRESHOLD_": "262144"}
libc = ctypes.CDLL(None, use_errno=True)


# The grader's side: choosing the account, and ending everything that ran as it.

def capabilities():
    """Names of the effective capabilities of this process."""
    status = Path("/proc/self/status").read_text()
    effective = int(next(line.split()[1] for line in status.splitlines() if line.startswith("CapEff:")), 16)
    return {name for name, bit in CAPABILITIES.items() if effective >> bit & 1}


def reduced_isolation_reason():
    """Why student code cannot run as an account of its own here, or None when it can."""
    if os.environ.get("LABKIT_REDUCED_ISOLATION"):
        return "LABKIT_REDUCED_ISOLATION is set"
    if os.geteuid() != 0:
        return "the grader does not run as root"
    missing = {"CAP_CHOWN", "CAP_SETUID", "CAP_SETGID"} - capabilities()
    if missing:
        return f"the grader lacks {', '.join(sorted(missing))}, so it cannot hand the kernel to another account"
    if not shutil.which("useradd"):
        return "useradd is missing, so no student account can be made"
    if (blocked := blocked_directories(needed_paths())) and not can_unshare():
        folders = ", ".join(map(str, blocked))
        return (f"other users may not enter {folders} on the way to the Python installation (setup.sh runs "
                f"`chmod o+x` on it), and mount namespaces are unavailable (no CAP_SYS_ADMIN)")
    return None


def lock_folder():
    """The machine-wide folder of account reservations."""
    place = next(Path(p) for p in LOCK_FOLDERS if os.path.isdir(p) and os.access(p, os.W_OK))
    folder = place / "labkit-accounts"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def acquire_account():
    """(uid, gid, lock) of a student account no other grading on this machine uses now; created when missing."""
    folder = lock_folder()
    for number in range(64):
        lock = open(folder / f"{number}.lock", "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        account = ensure_account(ACCOUNT.format(number))
        return account.pw_uid, account.pw_gid, lock
    raise RuntimeError("no free student account")


def ensure_account(name):
    for _ in range(20):  # useradd fails while another one holds /etc/passwd
        try:
            return pwd.getpwnam(name)
        except KeyError:
            subprocess.run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                            "--shell", "/usr/sbin/nologin", name], capture_output=True)
            time.sleep(0.1)
    return pwd.getpwnam(name)


def processes_of(uid):
    """Pids of the live (not zombie) processes whose real user is `uid`."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if int(fields["Uid"].split()[0]) == uid and not fields["State"].strip().startswith("Z"):
            found.append(int(status.parent.name))
    return found


def kill_account(uid):
    """Kill every process of `uid` (from a child that becomes `uid` and signals all it may), until none is left.

    Gives up after 100 rounds: a process stuck in the kernel dies later, and cannot write results meanwhile.
    """
    for _ in range(100):
        if not processes_of(uid):
            return
        child = os.fork()
        if child == 0:
            try:
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(child, 0)
        time.sleep(0.02)


def remove_files_of(uid, places=SHARED_TEMPORARY):
    """Delete what `uid` left in the world-writable folders, so that a later grading that uses the same account
    (grading a class locally) finds nothing of an earlier submission's."""
    for place in places:
        try:
            entries = list(os.scandir(place))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid == uid:
                    remove_tree(entry.path)
            except OSError:
                pass


def remove_tree(path):
    """Delete `path` and all it holds, never raising: without recursion (a 3,000-deep chain of folders cannot
    exhaust Python's stack) and through folder descriptors (nor can it make a path too long)."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    path = os.path.abspath(path)
    try:
        top = os.open(os.path.dirname(path), flags)
    except OSError:
        return
    names, fd, kept = [os.path.basename(path)], top, set()  # fd: the parent of the folder names[-1]
    try:
        while names:
            try:
                folder = os.open(names[-1], flags, dir_fd=fd)
            except OSError:  # a file, a link, or gone
                unlink(names.pop(), fd)
            else:
                deeper = next_folder(folder, kept)
                if deeper is not None:
                    fd = descend(fd, top, folder)
                    names.append(deeper)
                    continue
                inode = os.fstat(folder).st_ino
                os.close(folder)
                try:
                    os.rmdir(names.pop(), dir_fd=fd)
                except OSError:
                    kept.add(inode)  # cannot go: never descend into it again
            if names:
                fd = climb(fd, top)
    except OSError:
        pass
    finally:
        for descriptor in {fd, top}:
            os.close(descriptor)


def next_folder(folder, kept):
    """Deletes the files of `folder`; the name of a subfolder to empty next, or None when none is left."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.inode() not in kept:
                    return entry.name
            else:
                unlink(entry.name, folder)
    return None


def unlink(name, fd):
    try:
        os.unlink(name, dir_fd=fd)
    except OSError:
        pass


def descend(fd, top, folder):
    if fd != top:
        os.close(fd)
    return folder


def climb(fd, top):
    """The descriptor of the parent folder of `fd`'s, closing `fd` (never `top`)."""
    parent = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    if fd != top:
        os.close(fd)
    return parent


def end_account(uid):
    """Nothing of the account left: no process, no temporary file. Each step is attempted whatever the others do."""
    for step in (kill_account, remove_files_of):
        try:
            step(uid)
        except Exception as err:  # a cleanup that fails must not keep results.json from being written
            print(f"labkit: {step.__name__} failed: {type(err).__name__}: {err}", file=sys.stderr)


# The kernel's side: what the interpreter needs, and the launcher.

def needed_paths():
    """Directories the kernel's interpreter reads: its installation and import path (not this package, nor the
    folder `python -m` put first on the grader's sys.path for it: the kernel receives what it needs as source)."""
    paths = {Path(os.path.realpath(sys.executable)).parent, Path(sys.prefix), Path(sys.base_prefix)}
    paths |= {Path(p) for p in sys.path if p and Path(p).is_dir() and Path(p).resolve() not in (HERE, HERE.parent)}
    return sorted(Path(os.path.realpath(p)) for p in paths)


def blocked_directories(paths):
    """{directory others may not enter: names of its entries on the way to `paths`}, outermost ones only."""
    blocked = {}
    for path in paths:
        for parent in [*reversed(path.parents), path][:-1]:
            if not os.stat(parent).st_mode & 0o001:
                blocked.setdefault(parent, set()).add(path.relative_to(parent).parts[0])
                break
    return blocked


def can_unshare():
    child = os.fork()
    if child == 0:
        os._exit(0 if libc.unshare(CLONE_NEWNS) == 0 else 1)
    return os.waitpid(child, 0)[1] == 0


def mount(source, target, fstype, flags, options=None):
    if libc.mount(source and str(source).encode(), str(target).encode(), fstype and fstype.encode(), flags,
                  options and options.encode()) != 0:
        raise OSError(ctypes.get_errno(), f"mount {source} on {target}")


def private_mounts():
    """A mount namespace of our own, whose changes no other process sees."""
    if libc.unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
    mount(None, "/", None, MS_REC | MS_PRIVATE)


def cover(directory, kept, mode):
    """Cover `directory` with an empty tmpfs of mode `mode` into which each path of `kept` (inside it) is bound
    back, at its own place (the folders on the way to it are made, mode 0755)."""
    staging = Path(tempfile.mkdtemp(prefix="labkit-stage-"))
    staged = []
    for number, path in enumerate(kept):
        (staging / str(number)).mkdir()
        mount(path, staging / str(number), None, MS_BIND | MS_REC)
        staged.append((staging / str(number), path))
    mount("tmpfs", directory, "tmpfs", 0, f"mode={mode}")
    for source, path in staged:
        path.mkdir(parents=True, exist_ok=True)
        mount(source, path, None, MS_MOVE)
        source.rmdir()
    staging.rmdir()


def expose(blocked):
    """In a new mount namespace, cover each blocked directory with a tmpfs holding only the needed entries."""
    private_mounts()
    for directory, names in blocked.items():
        cover(directory, [directory / name for name in names], "0755")


def confine(home):
    """In a new mount namespace, make the kernel's root a tmpfs holding the system's folders and the interpreter
    (read-only), its `home`, /dev, /proc and private size-limited /tmp, /var/tmp and /dev/shm: nothing else of
    the machine (no course checkout, no other grading), as on Gradescope, where the container holds no more."""
    private_mounts()
    new_root = home.parent / ".labkit-root"  # beside the home, in the grading folder: never left in /tmp
    new_root.mkdir(mode=0o700, exist_ok=True)
    mount("tmpfs", new_root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    read_only = [Path(p) for p in SYSTEM_FOLDERS if os.path.lexists(p)]
    read_only += [p for p in needed_paths() if not any(p.is_relative_to(q) for q in read_only if not q.is_symlink())]
    read_only = [p for p in read_only if not any(p != q and p.is_relative_to(q) for q in read_only)]
    for path in read_only:
        bind(path, new_root, read_only=True)
    bind(Path("/dev"), new_root, read_only=False)
    bind(Path("/proc"), new_root, read_only=False)
    for temporary in SHARED_TEMPORARY:
        (new_root / temporary[1:]).mkdir(parents=True, exist_ok=True)
        mount("tmpfs", new_root / temporary[1:], "tmpfs", MS_NOSUID | MS_NODEV,
              f"mode=1777,size={PRIVATE_TEMPORARY_MB}m")
    bind(home, new_root, read_only=False)
    os.chroot(new_root)  # the student cannot leave it: no CAP_SYS_CHROOT, and no user namespace from a chroot
    os.chdir("/")


def bind(path, new_root, read_only):
    """Show `path` at the same place under `new_root` (a link stays a link)."""
    target = new_root / path.relative_to("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink():
        target.symlink_to(os.readlink(path))
        return
    target.mkdir(parents=True, exist_ok=True)
    mount(path, target, None, MS_BIND | MS_REC)
    if read_only:
        mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def own_user_and_network(uid, gid):
    """As `uid`, without privileges: a user namespace mapping only `uid` and `gid` to themselves, and a network
    namespace in it (no interface but a loopback that is down). Works where unprivileged user namespaces are
    allowed; the kernel keeps no capability once it execs (it is not uid 0 in that namespace)."""
    libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # /proc/self/*_map belong to root after setuid otherwise
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        return False
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    return True


def limit(memory_mb, isolated):
    limits = [(resource.RLIMIT_AS, memory_mb << 20), (resource.RLIMIT_FSIZE, MAX_FILE_MB << 20),
              (resource.RLIMIT_CORE, 0)] + [(resource.RLIMIT_NPROC, MAX_PROCESSES)] * isolated
    for which, value in limits:
        resource.setrlimit(which, (value, value))


def become(uid, gid):
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def keep_only_channel(channel):
    """Standard streams on /dev/null, the channel as fd 3, every other inherited descriptor closed."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.dup2(channel, 3)
    os.closerange(4, resource.getrlimit(resource.RLIMIT_NOFILE)[0])


def launch(connection_file, arguments):
    settings = json.loads(os.environ["LABKIT_SANDBOX"])
    # the interpreter by its real folder (the path it was started by may cross a folder the student cannot
    # enter), keeping its own name so that a virtual environment is still found next to it
    python = os.path.join(os.path.realpath(os.path.dirname(sys.executable)), os.path.basename(sys.executable))
    home = Path(settings["home"])
    uid, gid = settings["uid"], settings["gid"]
    keep_only_channel(settings["channel"])
    # what was done, for the grader (see observe); written before the student's code runs, closed at exec
    report = os.open(settings["report"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    environment = {k: v for k, v in os.environ.items() if k in KEPT_ENVIRONMENT or k.startswith("JPY_")}
    environment.update(GRADING_ENVIRONMENT, HOME=str(home), MPLBACKEND="agg", PYTHONDONTWRITEBYTECODE="1")
    connection = home / ".kernel.json"
    shutil.copyfile(connection_file, connection)
    done = {"network": "blocked (network namespace)" if libc.unshare(CLONE_NEWNET) == 0 else None,
            "root filesystem": "the machine's", "mount namespace": "the grader's"}
    if uid is not None:
        os.chown(connection, uid, gid)
        if "CAP_SYS_ADMIN" in capabilities() and "CAP_SYS_CHROOT" in capabilities():
            confine(home)
            done.update({"root filesystem": "own (system folders, interpreter and grading folder only)",
                         "mount namespace": "own"})
        elif blocked := blocked_directories(needed_paths()):
            expose(blocked)
            done["mount namespace"] = "own"
        become(uid, gid)
    if done["network"] is None:
        done["network"] = ("blocked (network namespace in a user namespace)" if own_user_and_network(
            os.getuid(), os.getgid()) else "open (no network namespace could be made)")
    limit(settings["memory_mb"], uid is not None)
    os.chdir(home)
    os.write(report, json.dumps(done).encode())
    os.close(report)
    os.execve(python, [python, "-m", "ipykernel_launcher", "-f", str(connection), *arguments], environment)


# What the kernel got: its account and capabilities read from /proc, the rest from the launcher's report.

def cgroup_memory_limit():
    """The memory limit of this process's cgroup (v1 or v2) in bytes, or None."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            files = [Path("/sys/fs/cgroup/memory", path.lstrip("/"), "memory.limit_in_bytes")]
        elif not controllers:
            files = [Path(base, path.lstrip("/"), "memory.max") for base in ("/sys/fs/cgroup",
                                                                             "/sys/fs/cgroup/unified")]
        else:
            continue
        for file in files:
            try:
                value = file.read_text().strip()
            except OSError:
                continue
            if value.isdigit() and int(value) < 1 << 60:
                return int(value)
    return None


def memory_limits(kernel_mb):
    cgroup = cgroup_memory_limit()
    shared = f"{cgroup >> 20} MiB for grader and kernel together (memory cgroup)" if cgroup else "no memory cgroup"
    return f"{shared}; kernel address space {kernel_mb} MiB"


def observe(pid, report, memory_limit):
    """{"account", "network", "root filesystem", "mount namespace", "capabilities", "memory limit"}: the
    isolation the kernel `pid` runs in, and "reduced": what of it lets student code reach the grader (a list).
    The account and capabilities come from /proc, the rest from the launcher's `report` (a file only the grader
    may write)."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    uid, effective = int(status["Uid"].split()[0]), int(status["CapEff"], 16)
    observed = {
        "account": "a student account of its own" if uid != os.getuid() else f"the grader's own (uid {uid})",
        **json.loads(Path(report).read_text()),
        "capabilities": "none" if effective == 0 else f"{effective:#x}",
        "memory limit": memory_limit,
    }
    # what lets student code reach the grader (network access does not: it is stated, not held against credit)
    observed["reduced"] = [f"{name}: {observed[name]}" for name, weak in (
        ("account", uid == os.getuid()), ("capabilities", effective != 0)) if weak]
    return observed


if __name__ == "__main__":
    launch(sys.argv[1], sys.argv[2:])
