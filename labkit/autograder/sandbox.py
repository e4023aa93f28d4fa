"""The student's side of the machine: an account of its own, and the kernel launcher that drops to it.

As a program (`python sandbox.py CONNECTION_FILE`, the kernel command of worker.py), it starts as the grader and
execs the IPython kernel as the student: in a private mount namespace where the interpreter is reachable (an
empty tmpfs covers a directory that others may not enter, with only the needed entries bound back into it),
without network when the platform allows, with no privileges left, limited in memory, processes and file size,
its standard streams on /dev/null and only the channel to the grader (as fd 3) open. Its settings come as JSON
in $LABKIT_SANDBOX: {"uid", "gid", "home", "channel", "memory_mb"}; uid is null when isolation is reduced.
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
ACCOUNT_LOCKS = Path(tempfile.gettempdir()) / "labkit-accounts"
SHARED_TEMPORARY = ("/tmp", "/var/tmp", "/dev/shm")
MAX_PROCESSES = 256
MAX_FILE_MB = 1024
CLONE_NEWNS, CLONE_NEWNET = 0x00020000, 0x40000000
MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = 4096, 8192, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS = 38
KEPT_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "TZ")
# Grader and kernel alike. LABKIT_GRADING: labs shorten students' training runs. One BLAS/OpenMP thread: the labs'
# models are tiny, Gradescope gives half a CPU, and spinning BLAS threads only slow a busy machine down. Two malloc
# arenas: the grader and the kernel share Gradescope's 768 MB, and memory held per thread is memory neither can use.
GRADING_ENVIRONMENT = {"LABKIT_GRADING": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                       "MKL_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
libc = ctypes.CDLL(None, use_errno=True)


# The grader's side: choosing the account, and ending everything that ran as it.

def reduced_isolation_reason():
    """Why student code cannot run as an account of its own here, or None when it can."""
    if os.environ.get("LABKIT_REDUCED_ISOLATION"):
        return "LABKIT_REDUCED_ISOLATION is set"
    if os.geteuid() != 0:
        return "the grader does not run as root"
    if not shutil.which("useradd"):
        return "useradd is missing"
    if blocked_directories(needed_paths()) and not can_unshare():
        return "the Python installation is not reachable by other users and mount namespaces are unavailable"
    return None


def acquire_account():
    """(uid, gid, lock) of a student account no other grading uses now; created when missing."""
    ACCOUNT_LOCKS.mkdir(mode=0o700, exist_ok=True)
    for number in range(64):
        lock = open(ACCOUNT_LOCKS / f"{number}.lock", "w")
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
        for path in Path(place).glob("*"):
            try:
                if path.lstat().st_uid != uid:
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except OSError:
                pass


def end_account(uid):
    """Nothing of the account left: no process, no temporary file."""
    kill_account(uid)
    remove_files_of(uid)


# The kernel's side: what the interpreter needs, and the launcher.

def needed_paths():
    """Directories the kernel's interpreter reads: its installation and import path."""
    paths = {Path(os.path.realpath(sys.executable)).parent, Path(sys.prefix), Path(sys.base_prefix)}
    paths |= {Path(p) for p in sys.path if p and Path(p).is_dir() and Path(p).resolve() != HERE}
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


def expose(blocked):
    """In a new mount namespace, cover each blocked directory with a tmpfs holding only the needed entries."""
    if libc.unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    staging = Path(tempfile.mkdtemp(prefix="labkit-stage-"))
    for directory, names in blocked.items():
        for name in names:
            (staging / name).mkdir()
            mount(directory / name, staging / name, None, MS_BIND | MS_REC)
        mount("tmpfs", directory, "tmpfs", 0, "mode=0755")
        for name in names:
            (directory / name).mkdir()
            mount(staging / name, directory / name, None, MS_MOVE)
            (staging / name).rmdir()
    staging.rmdir()


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
    keep_only_channel(settings["channel"])
    environment = {k: v for k, v in os.environ.items() if k in KEPT_ENVIRONMENT or k.startswith("JPY_")}
    environment.update(GRADING_ENVIRONMENT, HOME=str(home), MPLBACKEND="agg", PYTHONDONTWRITEBYTECODE="1")
    connection = home / ".kernel.json"
    shutil.copyfile(connection_file, connection)
    if settings["uid"] is not None:
        os.chown(connection, settings["uid"], settings["gid"])
        if blocked := blocked_directories(needed_paths()):
            expose(blocked)
        libc.unshare(CLONE_NEWNET)  # no network where the platform allows it (the kernel talks over ipc)
        become(settings["uid"], settings["gid"])
    limit(settings["memory_mb"], settings["uid"] is not None)
    os.chdir(home)
    os.execve(python, [python, "-m", "ipykernel_launcher", "-f", str(connection), *arguments], environment)


if __name__ == "__main__":
    launch(sys.argv[1], sys.argv[2:])
