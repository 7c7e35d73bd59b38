"""Parse untrusted files in a child process with memory and time limits (SECURITY.md row 11).

``run_limited(func, *args)`` forks, caps the child's address space (RLIMIT_AS: what it
already maps plus ``mem_mb``) and CPU time, runs ``func(*args)`` and returns its result.
A child that exceeds a limit or dies is refused with InvalidInput and a clear message;
a DomainError raised inside comes back as itself. ``func`` must not touch the database.
Set FAZHI_SANDBOX=0 to parse in-process (debugging only).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import traceback

from django.conf import settings

from .errors import DomainError, InvalidInput

DEFAULT_MEM_MB = 768
DEFAULT_SECONDS = 60


def _vm_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(conn, func, args, mem_mb: int, seconds: int) -> None:
    try:
        limit = _vm_bytes() + mem_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        result = func(*args)
        conn.send(("ok", result))
    except MemoryError:
        conn.send(("err", "parse_memory", "文件解析时超出内存上限（文件过大或结构异常），已拒绝"))
    except DomainError as exc:
        conn.send(("err", exc.code, exc.message))
    except Exception as exc:
        code = getattr(exc, "code", None)
        message = getattr(exc, "message", None)
        if isinstance(code, str) and isinstance(message, str):
            conn.send(("err", code, message))
        else:
            conn.send(("err", "bad_file", f"文件无法解析（{type(exc).__name__}）"))
            if settings.DEBUG:
                traceback.print_exc()
    finally:
        conn.close()
        os._exit(0)


def run_limited(func, *args, mem_mb: int = DEFAULT_MEM_MB, seconds: int = DEFAULT_SECONDS):
    if not getattr(settings, "FAZHI_SANDBOX", True):
        return func(*args)
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, func, args, mem_mb, seconds), daemon=True)
    proc.start()
    sender.close()
    try:
        if receiver.poll(seconds + 2):
            try:
                status, *payload = receiver.recv()
            except EOFError:
                status, payload = "died", []
        else:
            proc.kill()
            raise InvalidInput("文件解析超时，已拒绝", code="parse_timeout")
    finally:
        proc.join(5)
        if proc.is_alive():
            proc.kill()
        receiver.close()
    if status == "ok":
        return payload[0]
    if status == "err":
        raise InvalidInput(payload[1], code=payload[0])
    raise InvalidInput("文件解析时超出资源上限（文件过大或结构异常），已拒绝", code="parse_killed")
