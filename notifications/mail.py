"""EMAIL_URL=file:///folder: one file per message.

Django's file backend writes every message of one connection into one file; the worker sends a batch through one
connection, and here each message is a file of its own.
"""

import os
import uuid

from django.core.mail.backends.filebased import EmailBackend


class FolderEmailBackend(EmailBackend):
    """One file per message, however many a connection sends (the worker keeps one open for a batch); written
    under a hidden name and renamed, so readers never see half a message."""

    def open(self):
        return False

    def close(self):
        pass

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            name = f"{uuid.uuid4().hex}.eml"
            temporary = os.path.join(self.file_path, f".{name}.tmp")
            with open(temporary, "wb") as stream:
                stream.write(message.message().as_bytes() + b"\n")
            os.replace(temporary, os.path.join(self.file_path, name))
            sent += 1
        return sent
