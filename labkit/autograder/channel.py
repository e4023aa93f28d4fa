"""The wire between the trusted grader and the student's kernel: values cross as copies, other objects as handles.

Both ends run this module, over a socket pair: the grader (side "trusted", which runs the tests) and the
student's kernel (side "student", which runs `serve`). A message is an 8-byte length and JSON, never pickle.
Values cross as fresh copies: None, bools, numbers, strings, lists, tuples and dicts of those, torch tensors and
numpy arrays (as .npy bytes), dtypes and devices. Any other object stays where it lives; the other side gets a
`Proxy` that forwards attribute reads, calls, len, indexing, iteration and conversions (bool, int, float, str).
A proxy never forwards comparisons or arithmetic, so a test's expected values never cross. Requests nest: while
it waits for a reply, each side answers the other's requests (student code calling an object a test handed it).
The trusted side reads no private attribute (`_name`) of its own objects for the student, refuses (and flags)
the methods that would change them (`load_state_dict`, `apply`, hooks, ...), and forgets the objects it handed
out when a test case ends. Its proxies of student objects answer no special name (`__array_interface__`,
`__array__`, ...) themselves, so a library in the grader never reads memory a student object points it to.

So that tests read as if they ran in the notebook, a proxy of an object derived from a pure-Python library class
(an nn.Module) passes `isinstance` for that class, and a student call that changes a tensor or array argument in
place changes the test's own: by default it is spoiled (NaN, or every bit flipped), so that a test sees the
edit but never values the student chose; a test that checks what the edit wrote opts in per call
(`call_writing_back`) to get the student's values. The trusted side may also define a test's helper in the
kernel (`define`, see testing.py).
"""
import base64
import builtins
import functools
import io
import itertools
import json
import operator
import os
import random
import socket
import sys
import time

import numpy
import torch

MAX_MESSAGE = 256 << 20
LIBRARIES = {"torch", "numpy", "pathlib", "transformers"}  # whose pure-Python classes proxies may pose as
# Reading these on a test's object is an attempt at its insides (a flag); other special names (__deepcopy__,
# __array__, ...) are what libraries probe for, refused without a flag.
INTROSPECTION = {"__code__", "__globals__", "__closure__", "__dict__", "__func__", "__self__", "__wrapped__",
                 "__defaults__", "__kwdefaults__", "__builtins__", "__getattribute__", "__reduce__", "__reduce_ex__",
                 "__getstate__", "__subclasses__", "__init__", "__call__", "__get__", "__objclass__"}
# Methods that would change a test's object (a reference model): refused and flagged when student code asks.
MUTATORS = {"load_state_dict", "apply", "add_module", "set_extra_state", "share_memory", "requires_grad_",
            "to_empty", "add_tokens", "add_special_tokens"}
HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class defined in Python, without a C layout of its own
GRACE = 5  # seconds the kernel has to give up an interrupted call
NAMESPACE = 0  # handle of the notebook's global variables
DTYPES = {name: getattr(torch, name) for name in ("bool", "uint8", "int8", "int16", "int32", "int64", "float16",
                                                  "bfloat16", "float32", "float64", "complex64", "complex128")}
READS = {"getattr": getattr, "call": lambda f, args, kwargs: f(*args, **kwargs), "len": len,
         "getitem": operator.getitem, "iter": list, "contains": operator.contains, "bool": bool, "int": int,
         "float": float, "index": operator.index, "repr": repr, "str": str, "fspath": os.fspath}
WRITES = {"setitem": operator.setitem, "delitem": operator.delitem}


class Broken(BaseException):
    """The trusted side cannot go on with this test case (timeout, dead kernel, malformed message)."""


class CallTimeout(Broken):
    """A call into the student's kernel outlived the test case's time limit."""


class Violation(Broken):
    """The student's kernel broke the protocol (only a tampered kernel does): a flag for instructors."""


class Stale(LookupError):
    """A handle on an object of an earlier test case (the trusted side forgets them when a case ends)."""


class RemoteError(Exception):
    """An exception raised by student code whose type is not a builtin one (its class is named after it)."""


def seed_all(seed):
    random.seed(seed)
    numpy.random.seed(seed)
    torch.manual_seed(seed)


@functools.lru_cache(maxsize=None)
def remote_error_class(name):
    return type(name, (RemoteError,), {})


def remote_error(name, message):
    """The exception student code raised: a builtin one of that type, else a RemoteError named like it."""
    builtin = getattr(builtins, name, None)
    if isinstance(builtin, type) and issubclass(builtin, Exception):
        try:
            return builtin(message)
        except TypeError:
            pass
    return remote_error_class(name)(message)


class Proxy:
    """Stands in for an object on the other side; its class is named after the type of the original."""

    __slots__ = ("_labkit_channel", "_labkit_handle", "__weakref__")

    def __init__(self, channel, handle):
        object.__setattr__(self, "_labkit_channel", channel)
        object.__setattr__(self, "_labkit_handle", handle)

    def _labkit(self, operation, *params):
        return self._labkit_channel.request(operation, self._labkit_handle, *params)

    def __getattr__(self, name):
        if name.startswith("_labkit") or is_special(name) and self._labkit_channel.side == "trusted":
            raise AttributeError(name)  # in the grader: no library probe (__array_interface__, ...) reaches student code
        return self._labkit("getattr", name)

    def __len__(self):
        return self._labkit("len")

    def __getitem__(self, key):
        return self._labkit("getitem", key)

    def __setitem__(self, key, value):
        self._labkit("setitem", key, value)

    def __delitem__(self, key):
        self._labkit("delitem", key)

    def __iter__(self):
        return iter(self._labkit("iter"))

    def __contains__(self, item):
        return self._labkit("contains", item)

    def __bool__(self):
        return self._labkit("bool")

    def __int__(self):
        return self._labkit("int")

    def __float__(self):
        return self._labkit("float")

    def __index__(self):
        return self._labkit("index")

    def __repr__(self):
        return self._labkit("repr")

    def __str__(self):
        return self._labkit("str")

    def __fspath__(self):
        return self._labkit("fspath")

    def __copy__(self):  # a proxy is a reference: copies share the object, as copies of a function do
        return self

    def __deepcopy__(self, memo):
        return self


class CallableProxy(Proxy):
    __slots__ = ()

    def __call__(self, *args, **kwargs):
        return self._labkit("call", args, kwargs)


@functools.lru_cache(maxsize=None)
def proxy_class(type_name, is_callable, bases):
    """The class of proxies for objects of type `type_name`; `bases` are its base classes' qualified names.

    Such a proxy passes `isinstance` for the first of those classes the grader has imported from a library
    (`isinstance(model.lm_head, nn.Linear)`), as an object of a student class derived from it would."""
    namespace = {"__slots__": ()}
    posing = library_class(type_name, bases)
    if posing is not None:
        namespace["__class__"] = property(lambda self: posing)
    return type(type_name, (CallableProxy if is_callable else Proxy,), namespace)


def library_class(type_name, bases):
    """A class named `type_name` derived from the first of `bases` ("module.qualname") that a library the grader
    has already imported defines (nothing is imported for it); None when there is none."""
    for qualified in bases:
        module_name, _, qualname = str(qualified).rpartition(".")
        if module_name.split(".")[0] not in LIBRARIES or module_name not in sys.modules:
            continue
        found = functools.reduce(lambda obj, name: getattr(obj, name, None), qualname.split("."),
                                 sys.modules[module_name])
        if isinstance(found, type):
            return posing_class(type_name, found)
    return None


def posing_class(type_name, base):
    """A subclass of `base` named `type_name`, or None when `base` has a C layout (tensors, arrays): C code
    that trusted `isinstance` would read a proxy's memory as its own."""
    if any(c is not object and not c.__flags__ & HEAP_TYPE for c in base.__mro__) or issubclass(
            base, (torch.Tensor, numpy.ndarray, numpy.generic)):
        return None
    return type(type_name, (base,), {"__module__": "notebook"})


class Channel:
    """One end of the wire. `side` is "trusted" or "student"; `interrupt` (trusted side) stops the kernel's call."""

    def __init__(self, sock, side, interrupt=None):
        self.sock, self.side, self.interrupt = sock, side, interrupt
        self.other = "student" if side == "trusted" else "trusted"
        self.objects, self.handles, self.proxies = {}, {}, {}
        self.sequence, self.deadline, self.serving, self.incidents = 0, None, True, []
        self.numbers = itertools.count(NAMESPACE + 1)  # handles are never reused, so stale ones stay stale

    # framing

    def send(self, message):
        data = json.dumps(message).encode()
        try:
            self.sock.sendall(len(data).to_bytes(8, "big") + data)
        except OSError:
            raise Broken("the notebook's kernel closed the connection (it died or was stopped)") from None

    def read(self, size):
        chunks = []
        while size:
            self.sock.settimeout(None if self.deadline is None else max(self.deadline - time.monotonic(), 0.001))
            try:
                chunk = self.sock.recv(min(size, 1 << 20))
            except socket.timeout:
                raise CallTimeout() from None
            if not chunk:
                raise Broken("the notebook's kernel closed the connection (it died or was stopped)")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def receive(self):
        size = int.from_bytes(self.read(8), "big")
        if size > MAX_MESSAGE:
            raise Violation(f"the notebook's kernel sent a message of {size} bytes")
        try:
            message = json.loads(self.read(size))
        except ValueError:
            raise Violation("the notebook's kernel sent a malformed message") from None
        if not isinstance(message, dict):
            raise Violation("the notebook's kernel sent a malformed message")
        return message

    # values

    def encode(self, value):
        kind = type(value)
        if value is None or kind in (bool, int, float, str):
            return value
        if kind is numpy.str_:
            return str(value)
        if kind is list:
            return {"t": "list", "v": [self.encode(v) for v in value]}
        if kind in (tuple, torch.Size):
            return {"t": "tuple", "v": [self.encode(v) for v in value]}
        if kind is dict or isinstance(value, dict) and kind.__module__ == "collections":
            return {"t": "dict", "v": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, torch.Tensor):
            tensor = value.detach().cpu().resolve_conj().resolve_neg()
            dtype = str(tensor.dtype).removeprefix("torch.")
            array = (tensor.float() if tensor.dtype == torch.bfloat16 else tensor).numpy()
            return {"t": "tensor", "dtype": dtype, "npy": npy(array)}
        if isinstance(value, numpy.ndarray) and value.dtype.kind in "biufc":
            return {"t": "ndarray", "npy": npy(value)}
        if isinstance(value, numpy.generic) and value.dtype.kind in "biufc":
            return self.encode(value.item())
        if kind is torch.dtype:
            return {"t": "dtype", "v": str(value).removeprefix("torch.")}
        if kind is torch.device:
            return {"t": "device", "v": str(value)}
        if isinstance(value, Proxy) and value._labkit_channel is self:
            return value._labkit_handle
        return self.handle(value)

    def handle(self, obj):
        """A handle on a local object, which the other side sees as a proxy."""
        if id(obj) not in self.handles:
            self.handles[id(obj)] = next(self.numbers)
            self.objects[self.handles[id(obj)]] = obj
        bases = [f"{c.__module__}.{c.__qualname__}"[:200] for c in type(obj).__mro__[:8] if c is not object]
        return {"t": self.side, "id": self.handles[id(obj)], "type": type(obj).__name__[:100],
                "callable": callable(obj), "bases": bases}

    def decode(self, data):
        try:
            return self.decode_value(data)
        except (Broken, Stale):
            raise
        except Exception as err:
            raise Violation(f"the notebook's kernel sent a malformed value ({type(err).__name__})") from None

    def decode_value(self, data):
        if data is None or type(data) in (bool, int, float, str):
            return data
        tag = data["t"]
        if tag in ("list", "tuple"):
            items = [self.decode_value(v) for v in data["v"]]
            return items if tag == "list" else tuple(items)
        if tag == "dict":
            return {self.decode_value(k): self.decode_value(v) for k, v in data["v"]}
        if tag == "tensor":
            return torch.from_numpy(from_npy(data["npy"])).to(DTYPES[data["dtype"]])
        if tag == "ndarray":
            return from_npy(data["npy"])
        if tag == "dtype":
            return DTYPES[data["v"]]
        if tag == "device":
            return torch.device(str(data["v"]))
        if tag == self.side:
            if data["id"] not in self.objects:
                self.incidents.append(f"used a {data.get('type')!s:.50} object of an earlier test case")
                raise Stale("this object of the grader's belonged to an earlier test case")
            return self.objects[data["id"]]
        if tag == self.other:
            key, name, is_callable = int(data["id"]), str(data["type"])[:100], bool(data["callable"])
            bases = tuple(str(b)[:200] for b in data.get("bases", [])[:8]) if self.side == "trusted" else ()
            if key not in self.proxies:
                handle = {"t": self.other, "id": key, "type": name, "callable": is_callable}
                self.proxies[key] = proxy_class(name, is_callable, bases)(self, handle)
            return self.proxies[key]
        raise ValueError(tag)

    # requests

    def request(self, operation, handle, *params, write_back=False):
        """Perform `operation` on the other side's object `handle` with `params`; its result or exception.

        After a call, in-place changes to tensor and array arguments are spoiled, or copied with `write_back`."""
        self.sequence += 1
        number = self.sequence
        self.send({"op": operation, "id": number, "obj": handle, "params": self.encode(list(params))})
        try:
            reply = self.wait(number)
        except CallTimeout:
            self.recover(number)
            raise
        if operation == "call" and self.side == "trusted":
            self.apply_changes(reply.get("inplace", []), *params, write_back)
        return self.outcome(reply)

    def wait(self, number):
        while True:
            message = self.receive()
            if "reply" not in message:
                self.answer(message)
            elif message["reply"] == number:
                return message

    def apply_changes(self, changes, args, kwargs, write_back):
        """Mark the caller's tensors and arrays that the student's call changed in place: spoil them, or copy the
        student's values into them when the test asked for `write_back`."""
        if type(changes) is not list:
            raise Violation("the notebook's kernel sent a malformed reply")
        for change in changes:
            key, value = change if type(change) is list and len(change) == 2 else (None, None)
            original = kwargs.get(key) if type(key) is str else args[key] if type(key) is int and 0 <= key < len(
                args) else None
            if isinstance(original, numpy.ndarray) and not original.flags.writeable or not isinstance(
                    original, (torch.Tensor, numpy.ndarray)):
                continue
            if not write_back:
                spoil(original)
                continue
            new = self.decode(value)
            if isinstance(original, torch.Tensor) and isinstance(new, torch.Tensor) and new.shape == original.shape:
                with torch.no_grad():
                    original.copy_(new)
            elif isinstance(original, numpy.ndarray) and isinstance(new, numpy.ndarray) and new.shape == original.shape:
                original[...] = new

    def outcome(self, reply):
        """The value a reply carries, or the exception it reports."""
        if "error" not in reply:
            return self.decode(reply.get("value"))
        error = reply["error"] if isinstance(reply["error"], dict) else {}
        raise remote_error(str(error.get("type"))[:100], str(error.get("message"))[:2000])

    def recover(self, number):
        """After a timeout: interrupt the kernel and wait a little for it to give up the call."""
        self.interrupt()
        self.deadline = time.monotonic() + GRACE
        try:
            while True:
                message = self.receive()
                if "reply" in message and message["reply"] == number:
                    return
                if "reply" not in message:
                    self.send({"reply": message.get("id"), "error": {"type": "TimeoutError",
                                                                    "message": "the test case timed out"}})
        except Broken:
            raise Broken("the notebook's kernel did not stop a call that ran past the time limit") from None

    def answer(self, message):
        """Perform a request of the other side and send the reply."""
        number = message.get("id")
        inplace = []
        try:
            value = self.encode(self.perform(message, inplace))
        except Broken:
            raise
        except BaseException as err:
            if self.side == "trusted" and not isinstance(err, Exception):
                raise
            reply = {"reply": number, "error": {"type": type(err).__name__, "message": str(err)[:2000]}}
        else:
            reply = {"reply": number, "value": value, "inplace": inplace}
        self.send(reply)

    def perform(self, message, inplace):
        operation = message.get("op")
        allowed = READS if self.side == "trusted" else {**READS, **WRITES, **self.controls()}
        if operation not in allowed:
            raise Violation(f"the notebook's kernel asked for {str(operation)[:50]!r}")
        params = self.decode(message["params"])
        if type(params) is not list:
            raise Violation("the notebook's kernel sent a malformed request")
        if operation not in READS and operation not in WRITES:
            return allowed[operation](*params)
        if type(message["obj"]) is not dict or message["obj"].get("t") != self.side:
            raise Violation("the notebook's kernel sent a request about one of its own objects")
        if self.side == "trusted" and operation == "getattr" and str(params[0]).startswith("_"):
            name = str(params[0])[:50]
            if name in INTROSPECTION or not is_special(name):
                self.incidents.append(f"read the private attribute {name} of a test's object")
            raise AttributeError(f"the grader's objects do not show private attributes ({name})")
        if self.side == "trusted" and operation == "getattr" and is_mutator(str(params[0])):
            name = str(params[0])[:50]
            self.incidents.append(f"called {name} on a test's object")
            raise AttributeError(f"the grader's objects cannot be changed ({name})")
        target = self.decode(message["obj"])
        if operation == "call" and self.side == "student":
            return self.call_noting_changes(target, *params, inplace)
        return allowed[operation](target, *params)

    # the student's kernel

    def call_noting_changes(self, function, args, kwargs, inplace):
        """function(*args, **kwargs); appends to `inplace` [position or name, new value] of each tensor or array
        argument the call changed in place, so the grader's originals change too, as they would in one process."""
        arguments = [*enumerate(args), *kwargs.items()]
        before = {key: value.clone() if isinstance(value, torch.Tensor) else value.copy()
                  for key, value in arguments if isinstance(value, (torch.Tensor, numpy.ndarray))}
        result = function(*args, **kwargs)
        for key, value in arguments:
            if key in before and not same_values(value, before[key]):
                inplace.append([key, self.encode(value)])
        return result

    def controls(self):
        return {"seed": seed_all, "forget": self.forget, "bye": self.stop, "define": define_helper}

    def forget(self):
        namespace = self.objects[NAMESPACE]
        self.objects, self.handles, self.proxies = {NAMESPACE: namespace}, {id(namespace): NAMESPACE}, {}

    def stop(self):
        self.serving = False

    def serve(self, namespace):
        """Answer the grader's requests on the notebook's `namespace` until it says goodbye."""
        self.objects, self.handles = {NAMESPACE: namespace}, {id(namespace): NAMESPACE}
        while self.serving:
            try:
                message = self.receive()
                if "reply" not in message:
                    self.answer(message)
            except KeyboardInterrupt:
                continue
            except Broken:  # the grader is gone
                return

    # the trusted grader

    def namespace(self):
        """The notebook's global variables, as the `env` a test receives."""
        return self.decode({"t": "student", "id": NAMESPACE, "type": "dict", "callable": False})

    def begin_case(self, seed, seconds):
        seed_all(seed)
        self.deadline = time.monotonic() + seconds
        self.request("seed", None, seed)

    def end_case(self):
        self.objects, self.handles, self.proxies = {}, {}, {}
        self.deadline = time.monotonic() + GRACE
        self.request("forget", None)
        self.deadline = None


def call_writing_back(function, *args, **kwargs):
    """function(*args, **kwargs) for a proxy `function`, copying the student's in-place changes of tensor and
    array arguments into the test's own (for tests that check what an in-place edit wrote)."""
    return function._labkit_channel.request("call", function._labkit_handle, args, kwargs, write_back=True)


def is_special(name):
    return name.startswith("__") and name.endswith("__")


def is_mutator(name):
    return name in MUTATORS or name.startswith("register_")


def spoil(value):
    """Overwrite a tensor or array in place with values no student chose: NaN, or each bit flipped."""
    try:
        with torch.no_grad():
            if isinstance(value, torch.Tensor):
                value.fill_(float("nan")) if value.is_floating_point() or value.is_complex() else value.bitwise_not_()
            elif value.dtype.kind in "fc":
                value[...] = numpy.nan
            else:
                numpy.invert(value, out=value)
    except (RuntimeError, ValueError):  # a view that cannot be written (expanded): it keeps the test's values
        pass


def define_helper(source, name):
    """In the student's kernel: the function `name` that `source` (a test's helper, see testing.py) defines."""
    namespace = {"__name__": "labkit_test_helper"}
    exec(compile(source, f"<test helper {name}>", "exec"), namespace)
    return namespace[name]


def same_values(now, before):
    """Whether two tensors (or two arrays) have the same shape and values, NaN matching NaN."""
    if now.shape != before.shape:
        return False
    if isinstance(now, numpy.ndarray):
        return numpy.array_equal(now, before, equal_nan=now.dtype.kind in "fc")
    now, before = now.detach(), before.detach()
    return torch.equal(now, before) or (now.is_floating_point() or now.is_complex()) and bool(
        torch.isclose(now, before, rtol=0, atol=0, equal_nan=True).all())


def npy(array):
    buffer = io.BytesIO()
    numpy.save(buffer, numpy.array(array, order="C", copy=True), allow_pickle=False)  # 0-d arrays stay 0-d
    return base64.b64encode(buffer.getvalue()).decode()


def from_npy(text):
    array = numpy.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    if array.dtype.kind not in "biufc":
        raise ValueError(array.dtype)
    return array.copy()


def grading_mode():
    """In the student's kernel: `grader.check`, `check_all` and `export` do nothing (tests run at the end)."""
    import otter

    otter.Notebook.init_grading_mode("tests")
    for name in ("check", "check_all", "export"):
        setattr(otter.Notebook, name, lambda *args, **kwargs: None)


def serve(fd, namespace):
    """In the student's kernel: serve the grader on the inherited socket `fd`."""
    Channel(socket.socket(fileno=fd), "student").serve(namespace)
