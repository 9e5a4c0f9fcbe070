"""EMAIL_URL=file:///folder: one file per message.

Django's file backend names its file by the second and the connection object's address, so two connections in
the same second (a worker sends one message per connection) can share a file; here each opening is a new file.
"""

import os
import uuid

from django.core.mail.backends.filebased import EmailBackend


class FolderEmailBackend(EmailBackend):
    def _get_filename(self):
        if self._fname is None:
            self._fname = os.path.join(self.file_path, f"{uuid.uuid4().hex}.eml")
        return self._fname

    def close(self):
        super().close()
        self._fname = None
