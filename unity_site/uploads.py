"""Only the admin takes files. While Django reads a multipart body it keeps every file part, in
memory or in a temporary file, whether or not the form has a file field. Outside the admin this
middleware refuses a file part before any of it is read: the client gets a 400, nothing is kept.
"""

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler


class RefuseFiles(FileUploadHandler):
    def new_file(self, *args, **kwargs):
        # As for more files than DATA_UPLOAD_MAX_NUMBER_FILES: a 400, logged on
        # django.security.TooManyFilesSent, and request.POST is empty from then on.
        raise TooManyFilesSent("A file was sent where only the admin takes files.")

    def receive_data_chunk(self, raw_data, start):
        return None

    def file_complete(self, file_size):
        return None


class FilesOnlyForTheAdminMiddleware:
    """Before anything reads request.POST (the CSRF check does): see the module's docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and not request.path_info.startswith(f"/{settings.ADMIN_URL}"):
            request.upload_handlers = [RefuseFiles(request)]
            if request.content_type == "multipart/form-data":
                # Read now, so that a refused file is a 400 wherever the request goes: on an
                # address that does not exist, the 404 page reads the form and would fail (500).
                request.POST  # noqa: B018
        return self.get_response(request)
