"""File storage that never leaves half a file under its final name (SECURITY.md row 17):
each upload is written to a temporary name in the same directory, fsynced, then renamed."""

from __future__ import annotations

import os
import tempfile

from django.core.files.storage import FileSystemStorage


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full = self.path(name)
        directory = os.path.dirname(full)
        os.makedirs(directory, exist_ok=True)
        while True:
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".partial-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    if hasattr(content, "chunks"):
                        for chunk in content.chunks():
                            fh.write(chunk)
                    else:
                        fh.write(content.read())
                    fh.flush()
                    os.fsync(fh.fileno())
                if os.path.exists(full):  # never overwrite: pick another name, as Django does
                    os.unlink(tmp)
                    name = self.get_available_name(name)
                    full = self.path(name)
                    continue
                os.replace(tmp, full)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
            if self.file_permissions_mode is not None:
                os.chmod(full, self.file_permissions_mode)
            return str(name).replace("\\", "/")
