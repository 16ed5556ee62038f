"""A message provider shared by processes through a file, for the outbox SIGKILL test.

Every call is logged as "call <key>"; the first call with a key also logs "deliver <key>" (what the phone
receives: providers drop a repeated client message id). With DOLBOM_PROVIDER_HANG=1 the sending process
hangs after the provider accepted the message, so the test can SIGKILL it before the row is marked sent.
"""

import fcntl
import os
import time
from pathlib import Path


class FileProvider:
    def send(self, message) -> None:
        path = Path(os.environ["DOLBOM_PROVIDER_LOG"])
        with path.open("a+", encoding="utf-8") as log:
            fcntl.flock(log, fcntl.LOCK_EX)
            log.seek(0)
            seen = f"deliver {message.idempotency_key}\n" in log.read()
            log.write(f"call {message.idempotency_key}\n")
            if not seen:
                log.write(f"deliver {message.idempotency_key}\n")
            log.flush()
            fcntl.flock(log, fcntl.LOCK_UN)
        if os.environ.get("DOLBOM_PROVIDER_HANG") == "1":
            time.sleep(600)
