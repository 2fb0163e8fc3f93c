"""An upload handler that refuses files over settings.FILE_UPLOAD_MAX_SIZE as they stream in."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

# Room for the multipart envelope and the form's other fields around the file itself.
ENVELOPE = 64 * 1024


class SizeLimitUploadHandler(FileUploadHandler):
    """First of the upload handlers: a file whose request is announced larger than the limit, or
    whose bytes pass it, is skipped before any of it reaches memory or disk. The rest of the body
    is still read (and dropped) so the form's other fields, its CSRF token included, arrive, and
    the view can say why (`request.upload_refused`). The proxy's body limit bounds that read."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803
        self.announced_too_large = content_length > settings.FILE_UPLOAD_MAX_SIZE + ENVELOPE

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        if self.announced_too_large:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.FILE_UPLOAD_MAX_SIZE:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler keeps the file

    def _refuse(self) -> None:
        limit = settings.FILE_UPLOAD_MAX_SIZE / 1024 / 1024
        self.request.upload_refused = (
            f"The file is larger than {limit:.0f} MB, the limit here. "
            "Split it, or ask an administrator to run the import_incidents command."
        )
        raise SkipFile
